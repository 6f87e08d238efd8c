"""Summaries equal a recount from the raw rows after any writes (a property test over random writes).

Hypothesis writes random visit tasks (done on time, late, cancelled, left open), service requests (rated or
not, cancelled), new cadres, deaths and moves between communities; after each batch the summaries are
recomputed — fully (the daily job) or, for writes within the recent days, by the loop's every-pass window —
and every unit of the tree, over several periods, must read from the summaries exactly what a recount of the
raw rows gives: the headline figures of the API recounted by plain queries here, and every registered figure
against its own provider summed over the unit's communities (so the roll-up, the month rows and the window
add nothing and lose nothing).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.registry import summary_figures
from jiujin.dashboards.selectors import unit_figures
from jiujin.dashboards.services import recent_start, summaries_refresh
from jiujin.orgs.models import OrgUnit
from jiujin.servicerequests.models import RequestState, Satisfaction, ServiceCategory, ServiceRequest
from jiujin.tasks.models import TaskStatus, VisitTask
from jiujin.visits.task_kinds import KINDS

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
# Occurrences of the written tasks: unique across hypothesis's examples, which share the database.
SERIAL = itertools.count(1)
PERIODS = [
    (date(2026, 1, 1), date(2026, 12, 31)),  # the year: month rows
    (date(2026, 2, 10), date(2026, 6, 20)),  # cut inside months: day rows around month rows
    (date(2026, 6, 1), date(2026, 6, 30)),  # this month
    (date(2025, 6, 1), date(2025, 12, 31)),  # last year: flows, and no snapshot yet
]


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def recount(unit: OrgUnit, start: date, end: date) -> dict[str, Any]:
    """The API's headline figures counted from the raw rows with plain queries."""
    in_unit = Q(cadre__community__path__startswith=unit.path)
    owed = (
        VisitTask.objects.filter(in_unit, kind__in=[k.code for k in KINDS], due_date__range=(start, end))
        .exclude(status=TaskStatus.CANCELLED)
        .filter(Q(due_date__lte=TODAY) | Q(status=TaskStatus.DONE))
    )
    received = ServiceRequest.objects.filter(
        in_unit, created_at__gte=_aware(start, 0), created_at__lt=_aware(end + timedelta(days=1), 0)
    ).exclude(state=RequestState.CANCELLED)
    return {
        "cadres": Cadre.objects.active().filter(community__path__startswith=unit.path).count()
        if end >= TODAY
        else 0,
        "visits_due": owed.count(),
        "visits_done": owed.filter(status=TaskStatus.DONE).count(),
        "visits_overdue": owed.filter(
            Q(status=TaskStatus.OVERDUE) | Q(status=TaskStatus.OPEN, due_date__lt=TODAY)
        ).count(),
        "requests": received.count(),
        "requests_rated": received.exclude(satisfaction="").count(),
    }


def provider_sums(units: list[OrgUnit], start: date, end: date) -> dict[int, dict[str, int]]:
    """Every registered figure straight from its provider, summed over each unit's communities."""
    communities = {u.pk: u.path for u in OrgUnit.objects.communities()}
    sums: dict[int, dict[str, int]] = {u.pk: defaultdict(int) for u in units}
    for figure in summary_figures():
        rows = figure.rows(TODAY, TODAY) if figure.stock else figure.rows(start, end)
        if figure.stock and end < TODAY:
            continue
        for community_id, day, key, value in rows:
            if community_id not in communities or not (figure.stock or start <= day <= end):
                continue
            code = f"{figure.code}:{key}" if key else figure.code
            for unit in units:
                if communities[community_id].startswith(unit.path):
                    sums[unit.pk][code] += int(value)
    return sums


def check(tree: Any) -> None:
    units = list(OrgUnit.objects.all())
    for start, end in PERIODS:
        read = unit_figures([u.pk for u in units], start, end)
        expected = provider_sums(units, start, end)
        for unit in units:
            values = {code: v for code, v in read[unit.pk].values.items() if v}
            assert values == {c: v for c, v in expected[unit.pk].items() if v}, (unit.name, start, end)
            for code, value in recount(unit, start, end).items():
                assert read[unit.pk].get(code) == value, (unit.name, start, end, code)


write = st.one_of(
    st.tuples(
        st.just("task"),
        st.integers(0, 2),
        st.integers(-400, 80),
        st.sampled_from(["open", "done", "late", "x"]),
    ),
    st.tuples(
        st.just("request"), st.integers(0, 2), st.integers(-400, 0), st.sampled_from(["", "s", "f", "u", "x"])
    ),
    st.tuples(
        st.just("cadre"), st.integers(0, 2), st.integers(0, 0), st.sampled_from(["new", "dead", "move"])
    ),
)


def _apply(op: tuple[str, int, int, str], communities: list[OrgUnit]) -> None:
    kind, where, offset, how = op
    community = communities[where]
    serial = next(SERIAL)
    day = TODAY + timedelta(days=offset)
    if kind == "cadre":
        cadre = Cadre.objects.active().order_by("?").first()
        if how == "new" or cadre is None:
            CadreFactory(community=community)
        elif how == "dead":
            cadre.status = CadreStatus.DECEASED
            cadre.save(update_fields=["status"])
        else:
            cadre.community = community
            cadre.save(update_fields=["community"])
        return
    cadre = Cadre.objects.filter(community=community).order_by("?").first() or CadreFactory(
        community=community
    )
    if kind == "task":
        done = {"done": _aware(day - timedelta(days=1)), "late": _aware(day + timedelta(days=3))}.get(how)
        status = {"x": TaskStatus.CANCELLED, "open": TaskStatus.OPEN}.get(how, TaskStatus.DONE)
        VisitTask.objects.create(
            cadre=cadre, kind=KINDS[serial % 3].code, rule_key="prop", occurrence=str(serial),
            title="走访", due_date=day, window_start=day, status=status,
            done_at=min(done, _aware(TODAY, 9)) if done else None,
        )  # fmt: skip
        return
    rating = {"s": Satisfaction.SATISFIED, "f": Satisfaction.FAIR, "u": Satisfaction.UNSATISFIED}.get(how, "")
    at = _aware(day, 9)
    ServiceRequest.objects.create(
        cadre=cadre, category=ServiceCategory.CLEANING, description="打扫", created_at=at, target_minutes=60,
        due_at=at + timedelta(minutes=60), arrived_at=at + timedelta(minutes=30 + 60 * (offset % 2)),
        state=RequestState.CANCELLED if how == "x" else RequestState.COMPLETED, satisfaction=rating,
    )  # fmt: skip


@pytest.fixture
def world(tree: Any) -> Any:
    with time_machine.travel(_aware(TODAY, 12), tick=False):
        for community in (tree.community_a, tree.community_b, tree.community_z):
            CadreFactory.create_batch(2, community=community)
        yield tree


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(write, min_size=1, max_size=8), min_size=1, max_size=3))
def test_it_reads_from_the_summaries_what_a_recount_gives_after_any_writes(world: Any, batches: Any) -> None:
    communities = [world.community_a, world.community_b, world.community_z]
    for batch in batches:
        for op in batch:
            _apply(op, communities)
        summaries_refresh(today=TODAY)
        check(world)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(write.filter(lambda op: op[0] != "cadre"), min_size=1, max_size=8))
def test_it_catches_recent_writes_in_the_loops_every_pass_window(world: Any, batch: Any) -> None:
    communities = [world.community_a, world.community_b, world.community_z]
    summaries_refresh(today=TODAY)
    window = (recent_start(TODAY) - TODAY).days
    for kind, where, offset, how in batch:
        _apply((kind, where, max(offset, window), how), communities)
    summaries_refresh(today=TODAY, start=recent_start(TODAY))
    check(world)
