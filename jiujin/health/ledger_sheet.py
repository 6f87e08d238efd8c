"""The check-up days (体检/义诊) on the 台账 bundle's 健康讲座和义诊 sheet: date, place and how many came, per
community — no medical values, no names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Count

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.core.registry import LedgerPart, ledger_part_register
from jiujin.lib.dates import format_cn_date
from jiujin.orgs.models import OrgUnit

from .models import CheckUp


def _days(user: User, unit: OrgUnit, start: date, end: date) -> Any:
    units = OrgUnit.objects.subtree_of(unit).values("pk")
    cadres = Cadre.objects.for_user(user).filter(community_id__in=units).values("pk")
    return (
        CheckUp.objects.filter(cadre__in=cadres, date__range=(start, end))
        .values("date", "place", "cadre__community__name")
        .annotate(n=Count("id"))
        .order_by("date", "place", "cadre__community__name")
    )


def rows(user: User, unit: OrgUnit, start: date, end: date, cadre_ids: set[int]) -> Iterator[dict[str, Any]]:
    for day in _days(user, unit, start, end):
        yield {
            "日期": format_cn_date(day["date"]), "名称": "体检/义诊", "类别": "义诊",
            "组织单位": day["cadre__community__name"], "地点": day["place"], "签到": day["n"],
        }  # fmt: skip


def count(user: User, unit: OrgUnit, start: date, end: date) -> int:
    return _days(user, unit, start, end).count()


def register() -> None:
    ledger_part_register(LedgerPart("health", "checkups", 10, rows, count))
