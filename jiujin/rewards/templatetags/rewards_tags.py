"""Money on the 以奖代补 pages as the 通报 writes it: yuan with thousands separators and two decimals (the
zh-hans locale groups no digits)."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"
