"""A task's copy of its cadre's community (scope.py) follows every way of writing tasks and cadres, so scoping
by it shows each task to exactly the people who see its cadre. PostgreSQL keeps the copy; on SQLite queries read
the cadre's community (every page test runs on both)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.tasks.models import VisitTask
from jiujin.tasks.scope import task_communities_sync, task_community_triggers_drop
from jiujin.tasks.selectors import agenda_tasks
from jiujin.visits.tests.helpers import make_task

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps the copy; SQLite joins"),
]
TODAY = date(2026, 9, 23)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(datetime(2026, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def community_of(task: VisitTask) -> int | None:
    return VisitTask.objects.values_list("community_id", flat=True).get(pk=task.pk)


def test_it_copies_the_community_onto_tasks_however_they_are_inserted(cadre_a: Any, tree: Any) -> None:
    created = make_task(cadre_a, TODAY)
    [bulk] = VisitTask.objects.bulk_create(
        [VisitTask(cadre=cadre_a, kind="holiday", rule_key="bulk", occurrence="1", title="-", due_date=TODAY,
                   window_start=TODAY)]
    )  # fmt: skip
    assert community_of(created) == community_of(bulk) == tree.community_a.pk


def test_the_generator_writes_each_cadres_community(tree: Any) -> None:
    from jiujin.visits.generation import visit_tasks_generate

    cadres = [
        CadreFactory(community=unit, birth_date=date(1946, 9, 25))
        for unit in (tree.community_a, tree.community_z)
    ]
    assert visit_tasks_generate(today=TODAY, through=date(2026, 10, 3)) >= 2
    for cadre in cadres:
        assert {community_of(t) for t in VisitTask.objects.filter(cadre=cadre)} == {cadre.community_id}


def test_it_keeps_the_community_when_a_task_is_saved_or_written_wrong(cadre_a: Any, tree: Any) -> None:
    task = make_task(cadre_a, TODAY)
    task.title = "改了标题"
    task.save()  # the instance still holds no community: the database keeps the cadre's
    VisitTask.objects.filter(pk=task.pk).update(community=tree.community_z)
    assert community_of(task) == tree.community_a.pk


def test_it_moves_the_tasks_with_a_cadre_moved_to_another_community(
    cadre_a: Any, cast: Any, tree: Any
) -> None:
    task = make_task(cadre_a, TODAY, assignee=None)
    other = CadreFactory(community=tree.community_a)
    untouched = make_task(other, TODAY, assignee=None)
    cadre_a.community = tree.community_b
    cadre_a.save()  # the cadre form
    assert community_of(task) == tree.community_b.pk and community_of(untouched) == tree.community_a.pk
    assert [t.pk for t in agenda_tasks(cast.community_b, limit=10)] == [task.pk]
    assert [t.pk for t in agenda_tasks(cast.community_a, limit=10)] == [untouched.pk]
    Cadre.objects.filter(pk__in=[cadre_a.pk, other.pk]).update(community=tree.community_z)  # a bulk move
    assert community_of(task) == community_of(untouched) == tree.community_z.pk
    assert agenda_tasks(cast.community_b, limit=10) == []


def test_it_repairs_drift_and_makes_the_triggers_again(cadre_a: Any, tree: Any) -> None:
    task = make_task(cadre_a, TODAY)
    task_community_triggers_drop(using=connection.alias)
    VisitTask.objects.filter(pk=task.pk).update(community=tree.community_z)  # no trigger to stop it
    assert task_communities_sync(using=connection.alias) == 1
    assert community_of(task) == tree.community_a.pk
    VisitTask.objects.filter(pk=task.pk).update(community=tree.community_z)  # the triggers are back
    assert community_of(task) == tree.community_a.pk
    assert task_communities_sync(using=connection.alias) == 0
