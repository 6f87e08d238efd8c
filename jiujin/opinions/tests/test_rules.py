"""The rules of an opinion: due date (default and per unit, inherited), answer, reason, rating, the reply task,
and escalation one level per due period with a frozen clock."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.opinions.models import Escalation, Opinion
from jiujin.opinions.services import (
    OpinionRefused,
    answer_days_for,
    answer_days_set,
    opinion_rate,
    opinions_escalate,
    task_key,
)
from jiujin.tasks.models import VisitTask

from .helpers import NOW, TODAY, answer, at, give_work_unit, make_opinion


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def test_it_gives_fifteen_days_by_default(frozen: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    assert opinion.due_date == TODAY + timedelta(days=15)
    assert opinion.state_on(TODAY) == "open"
    assert opinion.community_id == cadre_a.community_id


def test_it_takes_the_nearest_units_answer_days(frozen: Any, tree: Any, cast: Any, cadre_a: Any) -> None:
    actor = Actor(user=cast.district)
    answer_days_set(actor=actor, unit=tree.district, days=10)
    assert answer_days_for(tree.community_a) == 10  # inherited from the district
    answer_days_set(actor=actor, unit=tree.street, days=7)
    assert make_opinion(cast.community_a, cadre_a).due_date == TODAY + timedelta(days=7)
    assert answer_days_for(tree.community_z) == 15  # another district keeps the default
    answer_days_set(actor=actor, unit=tree.street, days=None)
    assert answer_days_for(tree.community_a) == 10
    assert AuditEvent.objects.filter(subject_type="opinions.answerdays").count() == 3


def test_it_routes_to_the_work_unit_only_when_the_cadre_has_one(frozen: Any, cast: Any, cadre_a: Any) -> None:
    with pytest.raises(ValidationError):
        make_opinion(cast.community_a, cadre_a, route_to="work_unit")
    unit = give_work_unit(cadre_a)
    assert make_opinion(cast.community_a, cadre_a, route_to="work_unit").work_unit == unit
    assert make_opinion(cast.community_a, cadre_a, route_to="bureau").work_unit is None


def test_it_puts_the_reply_on_the_workers_agenda_and_closes_it_with_the_answer(
    frozen: Any, cast: Any, cadre_a: Any
) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    task = VisitTask.objects.get(rule_key=task_key(opinion))
    assert (task.kind, task.status, task.assignee, task.due_date) == (
        "opinion_reply",
        "open",
        cast.community_a,
        opinion.due_date,
    )
    frozen.move_to(at(date(2026, 9, 5)))
    answer(cast.community_a, opinion)
    task.refresh_from_db()
    assert task.status == "done"
    opinion.refresh_from_db()
    assert (opinion.state, opinion.answer_days, opinion.answered_by) == ("answered", 4, cast.community_a)
    assert AuditEvent.objects.filter(subject_type="opinions.opinion", subject_id=str(opinion.pk)).count() == 2


def test_it_requires_a_reason_when_it_cannot_be_solved(frozen: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    with pytest.raises(ValidationError) as caught:
        answer(cast.community_a, opinion, outcome="unsolvable")
    assert "reason" in caught.value.message_dict
    answer(cast.community_a, opinion, outcome="unsolvable", reason="超出政策规定")
    assert Opinion.objects.get(pk=opinion.pk).reason == "超出政策规定"


def test_it_refuses_a_second_answer(frozen: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    answer(cast.community_a, opinion)
    with pytest.raises(OpinionRefused):
        answer(cast.community_a, Opinion.objects.get(pk=opinion.pk))


def test_it_rates_one_to_five_after_the_answer(frozen: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    actor = Actor(user=cast.community_a)
    with pytest.raises(OpinionRefused):
        opinion_rate(actor=actor, opinion=opinion, satisfaction=5)
    answer(cast.community_a, opinion)
    for wrong in (0, 6):
        with pytest.raises(ValidationError):
            opinion_rate(actor=actor, opinion=opinion, satisfaction=wrong)
    opinion_rate(actor=actor, opinion=opinion, satisfaction=4)
    assert Opinion.objects.get(pk=opinion.pk).satisfaction == 4


def test_it_is_overdue_after_the_due_date_until_answered(frozen: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    assert opinion.state_on(opinion.due_date) == "open"
    assert opinion.state_on(opinion.due_date + timedelta(days=1)) == "overdue"
    assert Opinion.objects.overdue(opinion.due_date + timedelta(days=1)).count() == 1


def test_it_escalates_one_level_per_due_period(frozen: Any, tree: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)  # due 16 September
    assert opinions_escalate(today=date(2026, 9, 16)) == 0  # the due day itself is still in time
    assert opinions_escalate(today=date(2026, 9, 17)) == 1
    assert opinions_escalate(today=date(2026, 9, 17)) == 0  # idempotent: a second run the same day
    opinion.refresh_from_db()
    assert opinion.escalated_to == tree.street
    assert opinion.escalate_on == date(2026, 10, 2)  # a fresh period at the street
    assert opinion.due_date == date(2026, 9, 16)  # the promised date never moves: it stays overdue
    assert opinions_escalate(today=date(2026, 10, 2)) == 0
    assert opinions_escalate(today=date(2026, 10, 3)) == 1  # the street's period passed too → district
    assert opinions_escalate(today=date(2026, 12, 31)) == 1  # → city, one level per run
    assert opinions_escalate(today=date(2027, 6, 1)) == 0  # the city is the top
    opinion.refresh_from_db()
    assert opinion.escalated_to == tree.city
    levels = [(e.from_unit.code, e.to_unit.code) for e in Escalation.objects.order_by("on")]
    assert levels == [("421102001001", "421102001"), ("421102001", "421102"), ("421102", "4211")]


def test_it_escalates_nothing_answered(frozen: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    answer(cast.community_a, opinion)
    assert opinions_escalate(today=date(2026, 12, 1)) == 0
