"""Forms of the visit pages; the API binds the same forms so both accept and reject the same input."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from jiujin.lib.calendar import HOLIDAY_NAMES, holiday_occurrences
from jiujin.orgs.models import OrgUnit

from .models import Audience, Calendar, EventKind, HolidayRule, VisitSettings
from .selectors import PRIORITY_LABELS

# A ledger of more than a year is a different report; keep exports and stats to a bounded period.
MAX_PERIOD_DAYS = 366


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CadreEventForm(forms.Form):
    kind = forms.ChoiceField(label="事件", choices=EventKind.choices, widget=forms.RadioSelect)
    date = forms.DateField(label="日期", widget=_date_input())
    note = forms.CharField(
        label="说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_death = forms.BooleanField(
        label="确认该老干部已去世：状态改为“去世”，并取消其以后的生日和节日走访",
        required=False,
    )

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["date"].initial = self.today

    def clean_date(self) -> dt.date:
        on = self.cleaned_data["date"]
        if self.cleaned_data.get("kind") == EventKind.DEATH and on > self.today:
            raise forms.ValidationError("去世日期不能晚于今天")
        return on

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # Death cancels future visits and changes the cadre's status: it must be confirmed explicitly.
        if data.get("kind") == EventKind.DEATH and not data.get("confirm_death"):
            self.add_error("confirm_death", "登记去世前请勾选确认")
        return data


def month_bounds(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    return first, first.replace(day=pycalendar.monthrange(first.year, first.month)[1])


class PeriodForm(forms.Form):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`, this month when left out."""

    start = forms.DateField(label="从", required=False, widget=_date_input())
    end = forms.DateField(label="到", required=False, widget=_date_input())

    # The query string says from/to, which are keywords in Python: the fields carry other names.
    PARAMS = {"start": "from", "end": "to"}

    def __init__(self, data: Any, *, today: date) -> None:
        super().__init__(data)
        self.today = today
        self.fields["start"].initial, self.fields["end"].initial = month_bounds(today)

    def add_prefix(self, field_name: str) -> str:
        return self.PARAMS.get(field_name, field_name)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, last = month_bounds(self.today)
        start, end = data.get("start") or first, data.get("end") or last
        if end < start:
            raise forms.ValidationError("结束日期不能早于开始日期")
        if end - start > timedelta(days=MAX_PERIOD_DAYS):
            raise forms.ValidationError("时间段最长一年")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[date, date]:
        """The valid period, or this month when the input is wrong (errors are shown beside it)."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return month_bounds(self.today)


# ---------------------------------------------------------------- visit rules

MILESTONE_MIN, MILESTONE_MAX = 1, 150


class HolidayRuleForm(forms.ModelForm):
    """A holiday rule of one unit; a code an ancestor uses overrides that ancestor's rule below this unit."""

    class Meta:
        model = HolidayRule
        fields = [
            *("code", "name", "calendar", "month", "day", "audience", "min_age"),
            *("window_days", "priority", "enabled"),
        ]
        widgets = {
            "calendar": forms.RadioSelect,
            "priority": forms.Select(choices=sorted(PRIORITY_LABELS.items())),
        }
        help_texts = {
            "code": "英文字母、数字或连字符；与上级规则代码相同即覆盖上级规则。系统节日的代码："
            + "、".join(f"{code}（{name}）" for code, name in HOLIDAY_NAMES.items()),
            "min_age": "对象为“年满N岁”时填写",
            "enabled": "不勾选即在本单位及下级停用该节日",
        }
        error_messages = {
            "code": {"invalid": "代码只能包含英文字母、数字、下划线和连字符"},
        }

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        if self.instance.pk:
            # The code is the rule's identity in the tree; a different code is a different rule.
            self.fields["code"].disabled = True
            builtin = HOLIDAY_NAMES.get(self.instance.code)
            self.fields["code"].help_text = f"系统节日：{builtin}" if builtin else "本地设立的节日"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        taken = HolidayRule.objects.filter(org_unit=self.unit, code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("本单位已有该代码的规则，请直接修改那条规则")
        return code

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        calendar, month, day = data.get("calendar"), data.get("month"), data.get("day")
        if calendar and month is not None and day is not None:
            error = holiday_date_error(calendar, month, day)
            if error:
                self.add_error("day", error)
        if data.get("audience") == Audience.AGED and not data.get("min_age"):
            self.add_error("min_age", "对象为“年满N岁”时请填写年龄下限")
        return data


def holiday_date_error(calendar: str, month: int, day: int) -> str | None:
    """A Chinese message when the month/day is no date of its calendar (the calendar module's own checks)."""
    try:
        holiday_occurrences(calendar, month, day, date(2000, 1, 1), date(2000, 1, 1))
    except ValueError:
        if calendar == Calendar.LUNAR:
            return "农历月份应为 1–12，日期应为 1–30"
        return f"公历没有 {month} 月 {day} 日"
    return None


class VisitSettingsForm(forms.ModelForm):
    class Meta:
        model = VisitSettings
        fields = [
            *("milestones", "every_year_after", "nominal_age", "milestone_gift", "birthday_window_days"),
            *("hospital_days", "family_event_days", "special_days", "condolence_days"),
        ]
        help_texts = {
            "milestones": "用逗号分隔，如 70,75,80,85,90,95,100",
            "nominal_age": "不勾选按周岁计算",
        }

    def clean_milestones(self) -> str:
        text = self.cleaned_data["milestones"].replace("，", ",").replace("、", ",")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            raise forms.ValidationError("请至少填写一个祝寿年龄")
        bad = [p for p in parts if not p.isdigit() or not MILESTONE_MIN <= int(p) <= MILESTONE_MAX]
        if bad:
            raise forms.ValidationError(
                f"祝寿年龄应为 {MILESTONE_MIN}–{MILESTONE_MAX} 的整数，用逗号分隔：{'、'.join(bad)} 不对"
            )
        return ",".join(str(n) for n in sorted({int(p) for p in parts}))

    def clean_every_year_after(self) -> int:
        age = self.cleaned_data["every_year_after"]
        if not MILESTONE_MIN <= age <= MILESTONE_MAX:
            raise forms.ValidationError(f"应为 {MILESTONE_MIN}–{MILESTONE_MAX} 的整数")
        return age
