"""Forms of the 发挥作用 pages; the API binds ContributionForm too, so both accept and reject the same input."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.core.attachments import IMAGES, AttachmentField
from jiujin.orgs.models import OrgLevel

from .models import Contribution, JoinedVia, ReviewOutcome, Story, TalentEntry, Team, TeamMember
from .selectors import cadres_in_scope, units_for
from .services import OutingLine

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HOURS = {"step": "0.5", "min": "0.5", "max": "24", "inputmode": "decimal"}
CADRE_ERRORS = {"required": "请先查找并选择老干部", "invalid_choice": "没有找到该老干部"}


def _scope_cadres(form: forms.BaseForm, user: User, *names: str) -> None:
    for name in names:
        field = cast(forms.ModelChoiceField, form.fields[name])
        field.queryset = cadres_in_scope(user).active().select_related("community")
        field.error_messages.update(CADRE_ERRORS)


def _no_blank(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        field = cast(forms.ChoiceField, form.fields[name])
        field.choices = [c for c in cast(list[tuple[str, str]], field.choices) if c[0]]


class NominateForm(forms.ModelForm):
    class Meta:
        model = TalentEntry
        fields = ["cadre", "field", "specialty", "joined_via", "nominator_name", "joined_on"]
        widgets = {
            "cadre": forms.HiddenInput,
            "field": forms.RadioSelect,
            "joined_via": forms.RadioSelect,
            "specialty": forms.TextInput(attrs={"placeholder": "如：退休法官，擅长邻里纠纷调解"}),
            "nominator_name": forms.TextInput(attrs={"placeholder": "组织推荐时填写，如：东湖街道 王主任"}),
            "joined_on": DATE,
        }
        help_texts = {"nominator_name": "留空则记为登记人本人"}

    def __init__(self, *args: Any, user: User, today: date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("joined_on", today)
        super().__init__(*args, **kwargs)
        _scope_cadres(self, user, "cadre")
        _no_blank(self, "field", "joined_via")

        self.user = user

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("joined_via") == JoinedVia.NOMINATION and not data.get("nominator_name"):
            data["nominator_name"] = self.user.display_name  # the worker who files it nominates
        return data


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label="复核结果", choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="复核意见", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "role", "org_unit", "leader", "active"]
        widgets = {
            "role": forms.RadioSelect,
            "name": forms.TextInput(attrs={"placeholder": "如：社区A义务巡逻队"}),
            "leader": forms.HiddenInput,
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["org_unit"])
        unit.queryset = units_for(user).filter(level__in=[OrgLevel.COMMUNITY, OrgLevel.STREET])
        if user.org_unit_id:
            unit.initial = user.org_unit_id
        _scope_cadres(self, user, "leader")
        _no_blank(self, "role")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        leader, unit = data.get("leader"), data.get("org_unit")
        if leader and unit and not leader.community.path.startswith(unit.path):
            self.add_error("leader", f"队长应是{unit.name}的老干部")
        return data


class MemberForm(forms.Form):
    cadre = forms.ModelChoiceField(label="老干部", queryset=Cadre.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_cadres(self, user, "cadre")


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["cadre", "kind", "date", "hours", "amount", "receipt_no", "note"]
        widgets = {
            "cadre": forms.HiddenInput,
            "kind": forms.RadioSelect,
            "date": DATE,
            "hours": forms.NumberInput(attrs=HOURS),
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
            "note": forms.Textarea(attrs={"rows": 2, "placeholder": "如：为社区停车难问题提出建议"}),
        }
        error_messages = {"kind": {"required": "请选择类别"}, "date": {"required": "请填写日期"}}

    def __init__(self, *args: Any, user: User, today: date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", today)
        super().__init__(*args, **kwargs)
        self.today = today
        _scope_cadres(self, user, "cadre")
        _no_blank(self, "kind")

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError("日期不能晚于今天")
        return day

    def _get_validation_exclusions(self) -> set[str]:
        # The model's clean() states the rules on kind and hours per field; their constraints would repeat
        # them as one message for the whole form.
        return {*super()._get_validation_exclusions(), "kind", "hours"}  # type: ignore[misc]

    def _post_clean(self) -> None:
        # The model's own rules need the unit that counts it: the cadre's community.
        cadre = self.cleaned_data.get("cadre")
        if cadre is not None:
            self.instance.org_unit_id = cadre.community_id
        super()._post_clean()  # type: ignore[misc]


class OutingForm(forms.Form):
    """A team's outing: the date, what was done, and the hours of each member who went (blank: did not go)."""

    date = forms.DateField(label="日期", widget=DATE)
    title = forms.CharField(
        label="活动内容", max_length=100, widget=forms.TextInput(attrs={"placeholder": "如：夜间巡逻"})
    )

    def __init__(self, *args: Any, members: list[TeamMember], today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", today)
        super().__init__(*args, **kwargs)
        self.today = today
        self.members = members
        for member in members:
            self.fields[f"hours_{member.cadre_id}"] = forms.DecimalField(
                label=member.cadre.name,
                required=False,
                max_digits=3,
                decimal_places=1,
                min_value=Decimal("0"),
                max_value=Decimal("24"),
                widget=forms.NumberInput(attrs={**HOURS, "min": "0"}),
            )

    def member_fields(self) -> list[forms.BoundField]:
        return [self[f"hours_{m.cadre_id}"] for m in self.members]

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError("日期不能晚于今天")
        return day

    def lines(self) -> list[OutingLine]:
        return [
            OutingLine(cadre=m.cadre, hours=hours)
            for m in self.members
            if (hours := self.cleaned_data.get(f"hours_{m.cadre_id}"))
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not self.errors and not self.lines():
            raise forms.ValidationError("请至少为一名队员填写服务时长")
        return data


class PeriodForm(forms.Form):
    start = forms.DateField(label="从", required=False, widget=DATE)
    end = forms.DateField(label="到", required=False, widget=DATE)

    def __init__(self, data: Any = None, *, today: dt.date) -> None:
        # Unbound, the boxes show the default period: this year so far.
        super().__init__(data, initial={"start": dt.date(today.year, 1, 1), "end": today})

    def period(self, today: date) -> tuple[date, date]:
        """This year so far unless given; a reversed range is put the right way round."""
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or date(today.year, 1, 1)
        end = data.get("end") or today
        return (start, end) if start <= end else (end, start)


class StoryForm(forms.ModelForm):
    photos = AttachmentField(label="照片", allowed=IMAGES, multiple=True, required=False)
    photos_for_reports = forms.BooleanField(label="照片可用于汇报材料", required=False, initial=True)

    class Meta:
        model = Story
        fields = ["title", "date", "org_unit", "cadre", "team", "text", "for_reports"]
        widgets = {
            "date": DATE,
            "cadre": forms.HiddenInput,
            "text": forms.Textarea(attrs={"rows": 6, "placeholder": "时间、地点、做了什么、效果和群众评价"}),
        }

    def __init__(self, *args: Any, user: User, today: date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", today)
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["org_unit"])
        unit.queryset = units_for(user)
        if user.org_unit_id:
            unit.initial = user.org_unit_id
        _scope_cadres(self, user, "cadre")
        team = cast(forms.ModelChoiceField, self.fields["team"])
        team.queryset = Team.objects.filter(org_unit__in=units_for(user))
