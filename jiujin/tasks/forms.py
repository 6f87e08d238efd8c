"""The form of a task's completion record; the API binds the same form so both accept and reject the same
input."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from .models import VisitRecord

GIFT_CHIPS = ["米面油", "水果", "鲜花", "蛋糕"]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitRecordForm(forms.ModelForm):
    class Meta:
        model = VisitRecord
        fields = [
            "visited_on",
            "visitors",
            "form",
            "outcome",
            "gifts",
            "money",
            "findings",
            "needs",
            "for_reports",
        ]
        widgets = {
            "visited_on": _date_input(),
            "form": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "gifts": forms.TextInput(attrs={"placeholder": "如：米面油一份", "data-gift-field": ""}),
            "money": forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "1"}),
            "findings": forms.Textarea(attrs={"rows": 2}),
            "needs": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "outcome": "空访：无人在家，任务保留，可再次走访",
            "for_reports": "勾选后，“了解到的情况”会作为典型事例写入本单位的汇报材料",
        }

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
