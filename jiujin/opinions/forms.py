"""Forms of the opinion pages; the API binds the same forms, so both accept and reject the same input."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre

from .models import Opinion, Outcome, RouteTo


class OpinionForm(forms.ModelForm):
    class Meta:
        model = Opinion
        fields = ["cadre", "source", "category", "content", "route_to", "raised_on"]
        widgets = {
            "cadre": forms.HiddenInput,
            "source": forms.RadioSelect,
            "category": forms.RadioSelect,
            "route_to": forms.RadioSelect,
            "content": forms.Textarea(attrs={"rows": 4, "placeholder": "如：希望社区活动室冬天开放暖气"}),
            "raised_on": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "cadre": {"required": "请从老干部页面进入", "invalid_choice": "没有找到该老干部"},
            "source": {"required": "请选择来源"},
            "route_to": {"required": "请选择转办去向"},
            "content": {"required": "请记录意见建议内容"},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cadre = cast(forms.ModelChoiceField, self.fields["cadre"])
        cadre.queryset = Cadre.objects.for_user(user).select_related("community", "work_unit")
        raised_on = self.fields["raised_on"]
        raised_on.required = False
        raised_on.help_text = "留空为今天"
        for name in ("source", "category", "route_to"):
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = [c for c in cast(list[tuple[str, str]], field.choices) if c[0]]

    def clean_raised_on(self) -> Any:
        day = self.cleaned_data.get("raised_on") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError("提出日期不能晚于今天")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cadre = data.get("cadre")
        if data.get("route_to") == RouteTo.WORK_UNIT and cadre is not None and cadre.work_unit_id is None:
            self.add_error("route_to", "该老干部未登记原工作单位，不能转原单位")
        return data


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="答复内容",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "请填写答复内容"},
    )
    outcome = forms.ChoiceField(
        label="办理结果",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择办理结果", "invalid_choice": "办理结果不正确"},
    )
    reason = forms.CharField(label="无法解决的原因", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Outcome.UNSOLVABLE and not (data.get("reason") or "").strip():
            self.add_error("reason", "无法解决的，须说明原因")
        return data


class RateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="满意度",
        coerce=int,
        choices=[(n, f"{n} 分") for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意度", "invalid_choice": "满意度为 1 至 5 分"},
    )


class AnswerDaysForm(forms.Form):
    days = forms.IntegerField(
        label="答复时限（天）",
        min_value=1,
        max_value=365,
        required=False,
        help_text="留空则沿用上级单位的设置（默认 15 天）",
    )
