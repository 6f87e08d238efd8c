"""The summary tables: refresh and read back, at every level, over any period, against a recount."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from jiujin.core import registry
from jiujin.core.registry import SummaryFigure
from jiujin.dashboards.models import Span, Summary
from jiujin.dashboards.selectors import figure_value, unit_figures
from jiujin.dashboards.services import summaries_refresh
from jiujin.tasks.management.commands.schedule_visits import run_tick

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture
def fake_figures(monkeypatch, tree):
    """Two flows (one a share of the other) and a stock over the fixture's communities, from a dict the test
    changes as it likes: the "raw rows"."""
    raw: dict[str, list[tuple[int, date, str, int]]] = {"done": [], "due": [], "people": []}

    def rows(code):
        return lambda start, end: [r for r in raw[code] if start <= r[1] <= end]

    figures = {
        "t_due": SummaryFigure("t_due", "应访", "测试", 1, rows("due")),
        "t_done": SummaryFigure("t_done", "已访", "测试", 2, rows("done"), of="t_due"),
        "t_people": SummaryFigure(
            "t_people",
            "人数",
            "测试",
            3,
            rows("people"),
            stock=True,
            breakdown=lambda: {"a": "甲", "b": "乙"},
        ),
    }
    monkeypatch.setattr(registry, "_summary_figures", figures)
    return raw


def test_it_rolls_communities_up_to_every_level_and_sums_any_period(fake_figures, tree):
    a, b, z = tree.community_a.pk, tree.community_b.pk, tree.community_z.pk
    fake_figures["due"] += [
        (a, date(2026, 1, 31), "", 2),
        (a, date(2026, 2, 1), "", 3),
        (b, date(2026, 3, 5), "", 4),
    ]
    fake_figures["due"] += [(z, date(2026, 6, 15), "", 7)]
    fake_figures["done"] += [(a, date(2026, 2, 1), "", 1), (b, date(2026, 3, 5), "", 4)]
    fake_figures["people"] += [(a, TODAY, "", 10), (a, TODAY, "a", 6), (a, TODAY, "b", 4), (z, TODAY, "", 5)]
    summaries_refresh(today=TODAY)

    ids = [a, tree.street.pk, tree.district.pk, tree.city.pk]
    year = unit_figures(ids, date(2026, 1, 1), date(2026, 12, 31))
    assert year[a].get("t_due") == 5
    assert year[tree.street.pk].get("t_due") == 9
    assert year[tree.city.pk].get("t_due") == 16
    assert year[tree.city.pk].get("people") == 0
    assert year[tree.city.pk].get("t_people") == 15
    assert year[a].snapshot == TODAY
    assert figure_value("t_done", year[tree.street.pk]) == pytest.approx(5 / 9 * 100)
    # A period cut inside months reads day rows around the month rows.
    part = unit_figures([tree.street.pk], date(2026, 1, 31), date(2026, 3, 4))
    assert part[tree.street.pk].get("t_due") == 5
    assert unit_figures([a], date(2026, 2, 2), date(2026, 2, 27))[a].get("t_due") == 0
    # Before any snapshot, no stock.
    assert unit_figures([a], date(2025, 1, 1), date(2025, 12, 31))[a].snapshot is None


def test_it_replaces_the_window_and_leaves_the_rest(fake_figures, tree):
    a = tree.community_a.pk
    fake_figures["due"] += [(a, date(2026, 1, 10), "", 1), (a, date(2026, 6, 1), "", 1)]
    summaries_refresh(today=TODAY)
    fake_figures["due"][:] = [(a, date(2026, 1, 10), "", 5), (a, date(2026, 6, 2), "", 2)]
    summaries_refresh(today=TODAY, start=date(2026, 5, 1))
    figures = unit_figures([a, tree.city.pk], date(2026, 1, 1), date(2026, 12, 31))
    assert figures[a].get("t_due") == 3  # January untouched (1), June recomputed (2)
    summaries_refresh(today=TODAY)
    figures = unit_figures([a, tree.city.pk], date(2026, 1, 1), date(2026, 12, 31))
    assert figures[tree.city.pk].get("t_due") == 7
    assert Summary.objects.filter(span=Span.MONTH, unit_id=a).count() == 2
    summaries_refresh(today=TODAY)
    assert Summary.objects.filter(span=Span.MONTH, unit_id=a).count() == 2


def test_it_rebuilds_on_demand_and_refuses_bad_dates(fake_figures, tree):
    fake_figures["due"].append((tree.community_a.pk, date(2026, 6, 1), "", 4))
    out = StringIO()
    call_command("rebuild_summaries", stdout=out)
    assert "汇总数" in out.getvalue() and "全部日期" in out.getvalue()
    assert unit_figures([tree.city.pk], date(2026, 6, 1), date(2026, 6, 30))[tree.city.pk].get("t_due") == 4
    call_command("rebuild_summaries", "--from", "2026-06-01", "--to", "2026-06-30", stdout=out)
    with pytest.raises(CommandError, match="开始日期不能晚于结束日期"):
        call_command("rebuild_summaries", "--from", "2026-07-01", "--to", "2026-06-30")
    with pytest.raises(CommandError):
        call_command("rebuild_summaries", "--from", "明天")


def test_it_keeps_the_recent_days_fresh_on_every_pass_of_the_loop(fake_figures, tree):
    """The loop runs each daily job once a day, but the recent summaries on every pass: a visit recorded
    after the day's first pass shows on the next one."""
    a = tree.community_a.pk
    with time_machine.travel(datetime(2026, 6, 15, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        run_tick(once_a_day=True)
        fake_figures["due"].append((a, date(2026, 6, 15), "", 1))
        run_tick(once_a_day=True)
    assert unit_figures([a], date(2026, 6, 1), date(2026, 6, 30))[a].get("t_due") == 1
