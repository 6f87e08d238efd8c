"""The dues ledger (党费台账) and the 光荣在党50年 list as .xlsx, every cell through the formula-safe helper.

The base (the pension) is personal data: its column is filled only for readers who may see pensions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from jiujin.cadres.models import Cadre
from jiujin.lib.dates import format_cn_date
from jiujin.lib.ledger import ledger_workbook

from .models import DuesCharge

LEDGER_COLUMNS = [
    ("序号", 6), ("姓名", 10), ("所在社区", 14), ("月份", 10), ("计缴基数", 12), ("比例%", 8),
    ("应缴", 10), ("实缴", 10), ("缴纳日期", 16), ("收据号", 14), ("状态", 8),
]  # fmt: skip
BADGE_COLUMNS = [
    ("序号", 6),
    ("姓名", 10),
    ("性别", 6),
    ("所在社区", 14),
    ("入党日期", 16),
    ("党龄", 8),
    ("状态", 10),
]


def write_dues_ledger(
    charges: Iterable[DuesCharge], *, title: str, show_base: bool
) -> tuple[bytes, set[int]]:
    """The workbook and the ids of the cadres it names (for the audit log)."""
    cadre_ids: set[int] = set()

    def rows() -> Iterable[list[Any]]:
        for number, c in enumerate(charges, start=1):
            cadre_ids.add(c.cadre_id)
            yield [
                number,
                c.cadre.name,
                c.cadre.community.name,
                f"{c.month:%Y-%m}",
                float(c.base) if show_base else "***",
                float(c.rate_percent),
                float(c.amount_due),
                float(c.amount_paid) if c.amount_paid is not None else None,
                format_cn_date(c.paid_on) if c.paid_on else "",
                c.receipt_no,
                "已缴" if c.paid_on else "欠缴",
            ]

    content = ledger_workbook(sheet="党费台账", columns=LEDGER_COLUMNS, rows=rows(), title=title)
    return content, cadre_ids


def write_badge_list(cadres: Iterable[Cadre], *, year: int, title: str) -> tuple[bytes, set[int]]:
    cadre_ids: set[int] = set()
    july_first = date(year, 7, 1)

    def rows() -> Iterable[list[Any]]:
        for number, cadre in enumerate(cadres, start=1):
            cadre_ids.add(cadre.pk)
            profile = cadre.party_profile
            awarded = getattr(cadre, "awarded", False)
            yield [
                number,
                cadre.name,
                cadre.get_gender_display(),
                cadre.community.name,
                format_cn_date(profile.joined_party_on),
                profile.party_years(july_first),
                "已颁发" if awarded else "待颁发",
            ]

    return ledger_workbook(sheet="光荣在党50年", columns=BADGE_COLUMNS, rows=rows(), title=title), cadre_ids
