"""Forms of the visit pages; the API binds the same forms so both accept and reject the same input."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from .models import EventKind, VisitRecord

GIFT_CHIPS = ["米面油", "水果", "鲜花", "蛋糕"]
# A ledger of more than a year is a different report; keep exports and stats to a bounded period.
MAX_PERIOD_DAYS = 366


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitRecordForm(forms.ModelForm):
    class Meta:
        model = VisitRecord
        fields = ["visited_on", "visitors", "form", "outcome", "gifts", "money", "findings", "needs"]
        widgets = {
            "visited_on": _date_input(),
            "form": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "gifts": forms.TextInput(attrs={"placeholder": "如：米面油一份", "data-gift-field": ""}),
            "money": forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "1"}),
            "findings": forms.Textarea(attrs={"rows": 2}),
            "needs": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"outcome": "空访：无人在家，任务保留，可再次走访"}

    # An <input name="form"> shadows HTMLFormElement.form in the browser, which breaks htmx's submit; the
    # field goes by another name in requests (the API too, via `data_for`).
    PARAMS = {"form": "visit_form"}

    def __init__(self, *args: Any, user: Any = None, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["visited_on"].initial = self.today
        if user is not None:
            self.fields["visitors"].initial = user.display_name

    def add_prefix(self, field_name: str) -> str:
        return super().add_prefix(self.PARAMS.get(field_name, field_name))

    @classmethod
    def data_for(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Values keyed by field name → keyed as the form reads them."""
        return {cls.PARAMS.get(name, name): value for name, value in values.items()}

    def clean_visited_on(self) -> date:
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > self.today:
            raise forms.ValidationError("走访日期不能晚于今天")
        return visited_on

    def clean_money(self) -> Any:
        money = self.cleaned_data.get("money")
        if money is not None and money < 0:
            raise forms.ValidationError("慰问金不能为负数")
        return money


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
