from __future__ import annotations

from django import forms

from .models import DEFAULT_DAYS, DEFAULT_EVENT_DAYS, Level

FIELDS = ("high_days", "priority_days", "general_days", "event_days")


def _days(label: str, default: int, top: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=1, max_value=top, required=False, help_text=f"默认 {default} 天"
    )


class FrequencyForm(forms.Form):
    """A unit's contact frequencies; "inherit" clears its own row."""

    inherit = forms.BooleanField(label="沿用上级单位的设置", required=False)
    high_days = _days("高风险：每隔几天联系一次", DEFAULT_DAYS[Level.HIGH], 365)
    priority_days = _days("重点：每隔几天联系一次", DEFAULT_DAYS[Level.PRIORITY], 365)
    general_days = _days("一般：每隔几天联系一次", DEFAULT_DAYS[Level.GENERAL], 365)
    event_days = _days("重大家事后几天内联系", DEFAULT_EVENT_DAYS, 30)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("inherit"):
            for name in FIELDS:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "请填写天数")
        return data

    def days(self) -> dict[str, int] | None:
        if self.cleaned_data.get("inherit"):
            return None
        return {name: self.cleaned_data[name] for name in FIELDS}


class RadarFilters(forms.Form):
    level = forms.TypedChoiceField(
        label="等级", choices=[("", "全部等级"), *Level.choices], coerce=int, required=False, empty_value=None
    )
    due = forms.BooleanField(label="只看本周需要联系", required=False)
