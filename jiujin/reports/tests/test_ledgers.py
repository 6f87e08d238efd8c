"""The 台账 bundle: read back with openpyxl, the cover's counts, headers, safety, masking, period, scope, audit."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.reports.ledgers import ledger_counts, ledgers_export

from .helpers import SHEETS, TODAY, fill_ledgers

START, END = TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31)


def build(user: Any, unit: Any, start: Any = START, end: Any = END) -> Any:
    out = BytesIO()
    ledgers_export(actor=Actor(user=user), unit=unit, start=start, end=end, out=out)
    return load_workbook(BytesIO(out.getvalue()))


def data_rows(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def contents(wb: Any) -> dict[str, int]:
    rows = list(wb["封面和目录"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[:3] == ("序号", "台账", "条数"))
    return {r[1]: r[2] for r in rows[start + 1 :]}


@pytest.fixture
def world(tree: Any, cast: Any, cadre_a: Any) -> Any:
    fill_ledgers(cast.community_a, tree.community_a, cadre_a)
    cadre_b = CadreFactory(name="李秀英", community=tree.community_b, responsible_worker=cast.community_b)
    fill_ledgers(cast.community_b, tree.community_b, cadre_b, note="社区B的记录")
    return cadre_b


def test_it_writes_a_cover_then_one_sheet_per_ledger_whose_counts_match(
    tree: Any, cast: Any, world: Any
) -> None:
    wb = build(cast.community_a, tree.community_a)
    assert wb.sheetnames == ["封面和目录", *SHEETS]
    cover = [r[0] for r in wb["封面和目录"].iter_rows(values_only=True)]
    assert cover[0] == "社区A 社区老干部工作台账 2026年1月1日至2026年12月31日"
    assert any(str(line).startswith("生成时间：2026-09-23") for line in cover)
    assert any(str(line).startswith("生成人：") for line in cover)
    counts = contents(wb)
    assert counts == {name: len(data_rows(wb[name])) for name in SHEETS}
    assert counts == {"名册": 1, "走访": 1, "服务工单": 1, "一助一": 1, "健康讲座和义诊": 2, "学习和活动": 1,
                      "发挥作用": 1, "意见建议": 1}  # fmt: skip
    # The page's counts (count queries) agree with the rows written.
    assert {c.title: c.count for c in ledger_counts(cast.community_a, tree.community_a, START, END)} == counts


def test_it_freezes_a_chinese_header_on_every_sheet_and_numbers_rows(
    tree: Any, cast: Any, world: Any
) -> None:
    wb = build(cast.street, tree.street)
    for name in SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        header = next(ws.iter_rows(max_row=1, values_only=True))
        assert header[0] == "序号" and all(h and not str(h).isascii() for h in header), name
        assert [r[0] for r in data_rows(ws)] == list(range(1, len(data_rows(ws)) + 1))


def test_it_keeps_the_rows_of_the_period_and_of_the_unit_only(tree: Any, cast: Any, world: Any) -> None:
    wb = build(cast.street, tree.community_a)
    for name in SHEETS:
        text = repr(data_rows(wb[name]))
        assert "社区B" not in text and "李秀英" not in text, name
    assert len(data_rows(wb["走访"])) == 1  # the 2025 visit is outside the period
    assert data_rows(wb["一助一"])[0][9] == 1  # the contact of 2026 only
    street = build(cast.street, tree.street)
    assert contents(street)["走访"] == 2 and contents(street)["名册"] == 2
    last_year = build(cast.community_a, tree.community_a, TODAY.replace(year=2025, month=1, day=1),
                      TODAY.replace(year=2025, month=12, day=31))  # fmt: skip
    assert contents(last_year)["走访"] == 1 and contents(last_year)["服务工单"] == 0


def test_it_names_no_medical_value_for_a_check_up(tree: Any, cast: Any, world: Any) -> None:
    rows = data_rows(build(cast.community_a, tree.community_a)["健康讲座和义诊"])
    assert rows[-1][1:7] == ["2026年4月1日", None, "体检/义诊", "义诊", "社区A", "社区卫生服务站"]
    assert rows[-1][10] == 1
    assert "150" not in repr(rows)


def test_it_writes_formula_like_text_as_text(tree: Any, cast: Any, cadre_a: Any) -> None:
    fill_ledgers(cast.community_a, tree.community_a, cadre_a, note='=HYPERLINK("http://x","y")')
    out = BytesIO()
    ledgers_export(actor=Actor(user=cast.community_a), unit=tree.community_a, start=START, end=END, out=out)
    wb = load_workbook(BytesIO(out.getvalue()))
    cell = next(c for row in wb["走访"].iter_rows(min_row=2) for c in row if str(c.value).startswith("="))
    assert cell.data_type == "s" and cell.quotePrefix


def test_it_masks_id_numbers_and_phones_without_view_sensitive(tree: Any, cast: Any, cadre_a: Any) -> None:
    fill_ledgers(cast.community_a, tree.community_a, cadre_a)
    header = [
        "序号",
        *[
            h
            for h in next(build(cast.street, tree.community_a)["名册"].iter_rows(max_row=1, values_only=True))
        ][1:],
    ]
    masked = dict(zip(header, data_rows(build(cast.street, tree.community_a)["名册"])[0], strict=True))
    full = dict(zip(header, data_rows(build(cast.community_a, tree.community_a)["名册"])[0], strict=True))
    assert full["手机"] == "13871234567" and full["身份证号码"] == cadre_a.id_number
    assert masked["手机"] != "13871234567" and "*" in masked["手机"]
    assert masked["身份证号码"] != cadre_a.id_number
    volunteer_phone = data_rows(build(cast.street, tree.community_a)["一助一"])[0][5]
    assert "*" in volunteer_phone


def test_it_audits_the_bundle_as_an_export_of_the_cadres_it_names(tree: Any, cast: Any, world: Any) -> None:
    build(cast.street, tree.street)
    rows = AuditEvent.objects.filter(action="export")
    named = [world.pk, *Cadre.objects.filter(community=tree.community_a).values_list("pk", flat=True)]
    assert sorted(rows.values_list("cadre_id", flat=True)) == sorted(named)
    assert "导出台账汇总 东湖街道" in rows.first().detail


@pytest.mark.parametrize("more", [0, 6])
def test_it_builds_the_bundle_in_a_fixed_number_of_queries(
    tree: Any, cast: Any, cadre_a: Any, more: int, django_assert_num_queries: Any
) -> None:
    """Per sheet: its rows (the events' also their counts and names, the roster its tags), then the audit."""
    fill_ledgers(cast.community_a, tree.community_a, cadre_a)
    for _ in range(more):
        fill_ledgers(cast.community_a, tree.community_a, CadreFactory(community=tree.community_a))
    with django_assert_num_queries(QUERIES):
        build(cast.community_a, tree.community_a)


QUERIES = 21
