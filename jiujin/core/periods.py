"""A unit and a period, as the dashboards, the work report and the 台账 bundle take them:
`?unit=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD` or a preset period (本月, 本季度, 本半年, 本年度, 上年度)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

PRESETS = [
    ("month", "本月"),
    ("quarter", "本季度"),
    ("half", "本半年"),
    ("year", "本年度"),
    ("last_year", "上年度"),
    ("custom", "自定义"),
]
# A period spans at most this many days: an inspection or a comparison asks for a year or two, not a decade.
MAX_DAYS = 366 * 3


def preset_bounds(preset: str, today: date) -> tuple[date, date]:
    """The period a preset names, up to its natural end (a quarter's last day, not today)."""
    if preset == "month":
        start = today.replace(day=1)
        return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if preset == "quarter":
        first = (today.month - 1) // 3 * 3 + 1
        start = date(today.year, first, 1)
        return start, (date(today.year, first + 2, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if preset == "half":
        return (date(today.year, 1, 1), date(today.year, 6, 30)) if today.month <= 6 else (
            date(today.year, 7, 1), date(today.year, 12, 31))  # fmt: skip
    if preset == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return date(today.year, 1, 1), date(today.year, 12, 31)


class PeriodForm(forms.Form):
    # A code, looked up in the user's scope by the view (out of scope is 404, not a form error).
    unit = forms.CharField(label="单位", required=False, widget=forms.HiddenInput)
    preset = forms.ChoiceField(label="期间", choices=PRESETS, required=False, widget=forms.RadioSelect)
    start = forms.DateField(
        label="从", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )  # fmt: skip
    end = forms.DateField(
        label="到", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )  # fmt: skip

    # The query string says from/to, which are keywords in Python: the fields carry other names.
    PARAMS = {"start": "from", "end": "to"}

    def __init__(self, data: Any, *, today: date) -> None:
        super().__init__(data)
        self.today = today
        self.fields["preset"].initial = "year"

    def add_prefix(self, field_name: str) -> str:
        return self.PARAMS.get(field_name, field_name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                raise forms.ValidationError("请同时填写开始和结束日期")
            if start > end:
                raise forms.ValidationError("开始日期不能晚于结束日期")
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError("期间最长三年")
            data["preset"] = "custom"
        else:
            data["preset"] = data.get("preset") or "year"
            if data["preset"] == "custom":
                data["preset"] = "year"
            data["start"], data["end"] = preset_bounds(data["preset"], self.today)
        return data

    def period(self) -> tuple[date, date]:
        return self.cleaned_data["start"], self.cleaned_data["end"]
