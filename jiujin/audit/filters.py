"""The audit log's filters: who, whose record, what, and when (local dates)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditAction, AuditEvent
from .people import cadre_directory


def local_day_start(day: date) -> datetime:
    """Midnight of a local (Asia/Shanghai) date as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class AuditFilterForm(forms.Form):
    user = forms.CharField(
        label="操作人",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "用户名", "autocomplete": "off"}),
    )
    who = forms.CharField(
        label="老干部",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "姓名、拼音首字母或身份证号", "type": "search"}),
    )
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部"), *AuditAction.choices])
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Set by links rather than typed: one cadre's record (?cadre=<id>) and one export/import batch.
    cadre = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    batch = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.viewer = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data

    def apply(self, qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """Narrow the events. Invalid values are ignored (the form shows the error)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("user"):
            qs = qs.filter(user__username=data["user"])
        if data.get("cadre"):
            qs = qs.filter(cadre_id=data["cadre"])
        if data.get("who"):
            # The cadre list's own search, as the cadres app registered it: this app imports no other.
            qs = qs.filter(cadre_id__in=cadre_directory().search(self.viewer, data["who"]))
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("batch"):
            qs = qs.filter(batch=data["batch"])
        if data.get("date_from"):
            qs = qs.filter(at__gte=local_day_start(data["date_from"]))
        if data.get("date_to"):
            # Inclusive: everything before the next local midnight.
            qs = qs.filter(at__lt=local_day_start(data["date_to"] + timedelta(days=1)))
        return qs
