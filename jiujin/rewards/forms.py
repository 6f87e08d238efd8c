"""The pool's settings on the page: amount, threshold, method, a note, and up to five tiers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from .models import FundPool, Method

TIER_ROWS = 5


class PoolForm(forms.Form):
    amount = forms.DecimalField(
        label="资金总额（元）", min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    threshold = forms.DecimalField(
        label="门槛分",
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=1,
        help_text="得分达到此分数（含）的单位参与分配",
    )
    method = forms.ChoiceField(label="分配方式", choices=Method.choices, widget=forms.RadioSelect)
    issuer = forms.CharField(
        label="发文单位", max_length=100, required=False, help_text="留空则为“区/县名称＋老干部局”"
    )
    note = forms.CharField(label="通报补充说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_for(pool: FundPool | None, defaults: dict[str, Any]) -> dict[str, Any]:
        if pool is None:
            return {k: defaults.get(k) for k in ("amount", "threshold", "method", "issuer", "note")}
        return {
            "amount": pool.amount,
            "threshold": pool.threshold,
            "method": pool.method,
            "issuer": pool.issuer,
            "note": pool.note,
        }


class TierForm(forms.Form):
    name = forms.CharField(label="等次", max_length=20, required=False)
    min = forms.DecimalField(
        label="最低分", min_value=Decimal(0), max_digits=7, decimal_places=1, required=False
    )
    weight = forms.DecimalField(
        label="权重", min_value=Decimal("0.01"), max_digits=6, decimal_places=2, required=False
    )
    amount = forms.DecimalField(
        label="固定金额（元）", min_value=Decimal(0), max_digits=12, decimal_places=2, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = any(data.get(k) not in (None, "") for k in ("min", "weight", "amount"))
        if filled and not data.get("name"):
            self.add_error("name", "请填写等次名称")
        if data.get("name") and data.get("min") is None:
            self.add_error("min", "请填写最低分")
        return data


# The tiers set so far and one empty row to add another (five at most).
TierFormSet = forms.formset_factory(TierForm, extra=1, max_num=TIER_ROWS, absolute_max=TIER_ROWS)


def tier_initial(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [dict(row) for row in rows[:TIER_ROWS]]


def tiers_of(formset: Any) -> list[dict[str, str]]:
    """The filled tier rows, as the pool keeps them."""
    rows = []
    for form in formset:
        data = form.cleaned_data
        if not data.get("name"):
            continue
        row = {"name": data["name"], "min": str(data["min"])}
        for key in ("weight", "amount"):
            if data.get(key) is not None:
                row[key] = str(data[key])
        rows.append(row)
    return rows
