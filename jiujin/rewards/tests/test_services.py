"""以奖代补 writes: settings, allocation from the published assessment, issuing, and the two files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.lib.allocation import AllocationError
from jiujin.rewards import exports
from jiujin.rewards.models import Allocation, FundPool
from jiujin.rewards.selectors import allocation_rows
from jiujin.rewards.services import (
    DEFAULT_TIER_ROWS,
    RewardsConflict,
    fund_pool_allocate,
    fund_pool_issue,
    fund_pool_save,
    pool_defaults,
)

from .helpers import communities, make_assessment

D = Decimal
TOTALS = ["962.5", "931", "905", "780"]  # A 一等, B 二等, C 二等, D below 800


def _save(actor: Actor, assessment: Any, amount: str = "100000.00", **extra: Any) -> FundPool:
    values: dict[str, Any] = {"threshold": D(800), "method": "tiers", "tiers": DEFAULT_TIER_ROWS} | extra
    return fund_pool_save(actor=actor, assessment=assessment, amount=D(amount), **values)


def test_it_allocates_by_tiers_to_the_fen_and_nothing_below_the_threshold(tree: Any, cast: Any) -> None:
    actor = Actor(user=cast.district)
    assessment = make_assessment(tree, TOTALS)
    pool = _save(actor, assessment, "100000.01")
    rows = fund_pool_allocate(actor=actor, pool=pool)
    # Weights 3, 2, 2 of 10,000,001 fen: 4,285,714.71 / 2,857,143.14 / 2,857,143.14; the fen left over goes
    # to the largest remainder (A's .71).
    assert [(r.unit.name, r.rank, r.tier, r.amount) for r in allocation_rows(pool)] == [
        ("社区A", 1, "一等", D("42857.15")),
        ("社区B", 2, "二等", D("28571.43")),
        ("社区C", 3, "二等", D("28571.43")),
        ("社区D", 4, "", D("0.00")),
    ]
    assert sum(r.amount for r in rows) == D("100000.01")


def test_it_allocates_in_proportion_to_score(tree: Any, cast: Any) -> None:
    actor = Actor(user=cast.district)
    pool = _save(actor, make_assessment(tree, TOTALS), "50000.00", method="proportional", tiers=[])
    fund_pool_allocate(actor=actor, pool=pool)
    amounts = [r.amount for r in allocation_rows(pool)]
    assert sum(amounts) == D("50000.00") and amounts[-1] == 0
    assert amounts[0] == D("17196.71")  # 962.5 / 2798.5 of the pool, to the fen


def test_it_replaces_the_previous_allocation_and_audits_it(tree: Any, cast: Any) -> None:
    actor = Actor(user=cast.district)
    assessment = make_assessment(tree, TOTALS)
    pool = fund_pool_allocate(actor=actor, pool=_save(actor, assessment))[0].pool
    _save(actor, assessment, "70000.00")
    fund_pool_allocate(actor=actor, pool=pool)
    assert Allocation.objects.filter(pool=pool).count() == 4
    assert sum(r.amount for r in allocation_rows(pool)) == D("70000.00")
    events = AuditEvent.objects.filter(subject_type="rewards.fundpool", subject_id=str(pool.pk))
    assert events.filter(action="create").count() == 1
    assert events.filter(action="update", detail__startswith="分配").count() == 2
    changed = events.filter(action="update").exclude(detail__startswith="分配").get()
    assert changed.changes["amount"] == ["100000.00", "70000.00"]


def test_it_allocates_only_from_a_published_assessment(tree: Any, cast: Any) -> None:
    actor = Actor(user=cast.district)
    pool = _save(actor, make_assessment(tree, TOTALS, published=False))
    with pytest.raises(RewardsConflict, match="尚未发布"):
        fund_pool_allocate(actor=actor, pool=pool)
    assert not Allocation.objects.exists()


def test_it_freezes_an_issued_pool(tree: Any, cast: Any) -> None:
    actor = Actor(user=cast.district)
    assessment = make_assessment(tree, TOTALS)
    pool = _save(actor, assessment)
    with pytest.raises(RewardsConflict, match="先分配"):
        fund_pool_issue(actor=actor, pool=pool)
    fund_pool_allocate(actor=actor, pool=pool)
    fund_pool_issue(actor=actor, pool=pool)
    with pytest.raises(RewardsConflict, match="已下达"):
        _save(actor, assessment, "1.00")
    with pytest.raises(RewardsConflict, match="已下达"):
        fund_pool_allocate(actor=actor, pool=pool)
    pool.refresh_from_db()
    assert pool.amount == D("100000.00") and pool.is_issued


def test_it_refuses_settings_it_cannot_allocate(tree: Any, cast: Any) -> None:
    actor = Actor(user=cast.district)
    assessment = make_assessment(tree, TOTALS)
    with pytest.raises(AllocationError, match="统一"):
        _save(actor, assessment, tiers=[{"name": "一等", "min": "900", "weight": "2", "amount": "100"}])
    with pytest.raises(AllocationError, match="精确到分"):
        _save(actor, assessment, "10.001")
    pool = _save(actor, assessment, threshold=D(990))
    with pytest.raises(AllocationError, match="门槛"):
        fund_pool_allocate(actor=actor, pool=pool)


def test_it_starts_from_the_latest_settings_or_the_defaults(tree: Any, cast: Any) -> None:
    actor = Actor(user=cast.district)
    units = communities(tree)
    old = make_assessment(tree, TOTALS, year=2024, units=units)
    assert pool_defaults(old)["tiers"] == DEFAULT_TIER_ROWS and pool_defaults(old)["threshold"] == 800
    _save(actor, old, threshold=D(850), method="proportional", tiers=[])
    new = make_assessment(tree, TOTALS, year=2025, units=units)
    defaults = pool_defaults(new)
    assert (
        defaults["threshold"] == D(850)
        and defaults["method"] == "proportional"
        and defaults["amount"] is None
    )


def test_it_writes_the_table_and_the_notice_that_add_up(tree: Any, cast: Any) -> None:
    actor = Actor(user=cast.district)
    pool = _save(actor, make_assessment(tree, TOTALS), "100000.01")
    fund_pool_allocate(actor=actor, pool=pool)
    rows = allocation_rows(pool)

    sheet = load_workbook(BytesIO(exports.table_xlsx(pool, rows))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("排名", "单位", "得分", "等次", "金额（元）")
    assert values[1][:4] == (1, "社区A", 962.5, "一等")
    assert values[-1][1] == "合计" and round(values[-1][4], 2) == 100000.01
    assert round(sum(v[4] for v in values[1:-1]), 2) == 100000.01

    doc = Document(BytesIO(exports.notice_docx(pool, rows, on=date(2026, 1, 15))))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "关于2025年度社区老干部“四就近”工作千分量化考评结果及以奖代补资金分配的通报"
    assert text[-2:] == ["黄州区老干部局", "2026年1月15日"]
    table = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert table[0] == ["排名", "单位", "得分", "等次", "金额（元）"]
    assert table[1] == ["1", "社区A", "962.5", "一等", "42,857.15"]
    assert table[4] == ["4", "社区D", "780", "未达门槛", "0.00"]
    amounts = [D(row[4].replace(",", "")) for row in table[1:-1]]
    assert sum(amounts) == D(table[-1][4].replace(",", "")) == D("100000.01")
