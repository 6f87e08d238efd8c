"""Forms of the event pages; the API binds the same event form, so both accept the same input."""

from __future__ import annotations

from typing import Any

from django import forms

from jiujin.accounts.models import User
from jiujin.core.attachments import IMAGES, AttachmentField
from jiujin.core.registry import cadre_groups
from jiujin.orgs.models import OrgUnit

from .models import Audience, CourseClass, Event, EventKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    unit = forms.ModelChoiceField(
        label="组织单位", queryset=OrgUnit.objects.none(), to_field_name="code",
        error_messages={"invalid_choice": "没有找到该单位", "required": "请选择组织单位"},
    )  # fmt: skip
    group = forms.ChoiceField(label="指定群体", required=False)
    repeat_until = forms.DateField(
        label="每周重复至", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="如：每周一次的学习或课程，一直排到这一天（含）",
    )  # fmt: skip

    following = forms.BooleanField(label="同时修改本系列以后的各次（日期时间除外）", required=False)

    class Meta:
        model = Event
        fields = [
            "title", "kind", "unit", "place", "starts_at", "ends_at", "capacity", "waiting_list",
            "description", "audience", "audience_category", "age_min", "age_max",
        ]  # fmt: skip
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "description": forms.Textarea(attrs={"rows": 3}),
            "title": forms.TextInput(attrs={"placeholder": "如：学习党的二十届三中全会精神"}),
            "place": forms.TextInput(attrs={"placeholder": "如：社区活动室"}),
            "capacity": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        }
        error_messages = {"title": {"required": "请填写名称"}, "kind": {"required": "请选择类别"}}

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.for_user(user)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        if self.instance.pk:
            self.initial["unit"] = self.instance.unit.code
        group_choices = [("", "——")] + [
            (f"{g.code}:{value}", f"{g.label}：{label}")
            for g in cadre_groups()
            for value, label in g.choices(user)
        ]
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ChoiceField)
        group_field.choices = group_choices
        if self.instance.group_code:
            self.initial["group"] = f"{self.instance.group_code}:{self.instance.group_value}"
        if editing:
            del self.fields["repeat_until"]
        if not (editing and self.instance.series_id):
            del self.fields["following"]
        for name in ("starts_at", "ends_at"):
            field = self.fields[name]
            assert isinstance(field, forms.DateTimeField)
            field.input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M:%S",
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", "结束时间不能早于开始时间")
        audience = data.get("audience")
        if audience == Audience.CATEGORY and not data.get("audience_category"):
            self.add_error("audience_category", "请选择离休或退休")
        if audience == Audience.AGE:
            lo, hi = data.get("age_min"), data.get("age_max")
            if lo is None and hi is None:
                self.add_error("age_min", "请填写年龄段")
            elif lo is not None and hi is not None and lo > hi:
                self.add_error("age_max", "最大年龄不能小于最小年龄")
        code, _, value = (data.get("group") or "").partition(":")
        if audience == Audience.GROUP and not value:
            self.add_error("group", "请选择群体")
        data["group_code"], data["group_value"] = (code, value) if audience == Audience.GROUP else ("", "")
        until = data.get("repeat_until")
        if until and starts and until < starts.date():
            self.add_error("repeat_until", "重复截止日期不能早于开始日期")
        return data


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *EventKind.choices])
    unit = forms.ChoiceField(label="单位", required=False)
    start = forms.DateField(label="从", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="到", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        units = OrgUnit.objects.for_user(user).values_list("code", "name")[:500]
        field.choices = [("", "全部"), *units]


class ReportForm(forms.Form):
    report = forms.CharField(
        label="活动小结", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000,
        error_messages={"required": "请填写小结"},
    )  # fmt: skip
    photos = AttachmentField(label="照片", allowed=IMAGES, multiple=True, required=False)


class CourseForm(forms.Form):
    name = forms.CharField(
        label="课程", max_length=100, widget=forms.TextInput(attrs={"placeholder": "如：书法"})
    )
    unit = forms.ModelChoiceField(label="开课单位", queryset=OrgUnit.objects.none(), to_field_name="code")
    description = forms.CharField(label="简介", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    term_name = forms.CharField(label="学期", max_length=50, initial="春季学期")
    starts_on = forms.DateField(label="开学日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结业日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = OrgUnit.objects.for_user(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结业日期不能早于开学日期")
        return data


class CourseClassForm(forms.ModelForm):
    class Meta:
        model = CourseClass
        fields = ["term", "name", "teacher", "weekday", "start_time", "end_time", "place", "capacity"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args: Any, course: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        term_field = self.fields["term"]
        assert isinstance(term_field, forms.ModelChoiceField)
        term_field.queryset = course.terms.order_by("-starts_on")
        term_field.empty_label = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", "下课时间应晚于上课时间")
        return data
