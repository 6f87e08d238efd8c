import itertools
from datetime import date, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jiujin.audit.services import Actor
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.registry import CadreGroup, cadre_group_register
from jiujin.events import selectors
from jiujin.events.models import Attendance, Course, Event, SignUp, Term
from jiujin.events.services import (
    EventFull,
    course_class_create,
    enrolment_add,
    enrolment_cancel,
    event_check_in,
    event_sign_up,
    event_sign_up_cancel,
)

from .helpers import NOW, TZ, make_event


@pytest.fixture
def actor(cast):
    return Actor(user=cast.community_a)


def test_it_confirms_within_capacity_and_refuses_when_full_without_waiting_list(tree, cast, actor):
    event = make_event(cast.community_a, tree.community_a, capacity=2, waiting_list=False)
    a, b, c = CadreFactory.create_batch(3, community=tree.community_a)
    assert event_sign_up(actor=actor, event=event, cadre=a).state == "confirmed"
    assert event_sign_up(actor=actor, event=event, cadre=b).state == "confirmed"
    with pytest.raises(EventFull) as e:
        event_sign_up(actor=actor, event=event, cadre=c)
    assert "名额已满" in e.value.messages[0]
    assert isinstance(e.value, ValidationError)


def test_it_is_idempotent_for_a_second_sign_up(tree, cast, actor, cadre_a):
    event = make_event(cast.community_a, tree.community_a, capacity=1)
    first = event_sign_up(actor=actor, event=event, cadre=cadre_a)
    assert event_sign_up(actor=actor, event=event, cadre=cadre_a).pk == first.pk
    assert SignUp.objects.count() == 1


def test_it_queues_then_promotes_the_first_waiting(tree, cast, actor):
    event = make_event(cast.community_a, tree.community_a, capacity=1, waiting_list=True)
    a, b, c = CadreFactory.create_batch(3, community=tree.community_a)
    event_sign_up(actor=actor, event=event, cadre=a)
    assert event_sign_up(actor=actor, event=event, cadre=b).state == "waiting"
    assert event_sign_up(actor=actor, event=event, cadre=c).state == "waiting"
    promoted = event_sign_up_cancel(actor=actor, event=event, cadre=a)
    assert promoted.cadre == b
    states = dict(SignUp.objects.values_list("cadre_id", "state"))
    assert states == {a.pk: "cancelled", b.pk: "confirmed", c.pk: "waiting"}
    # A waiting cadre who leaves frees nothing.
    assert event_sign_up_cancel(actor=actor, event=event, cadre=c) is None


def test_it_enforces_the_audience(tree, cast, actor, monkeypatch):
    # Party membership as the registry says (here: the cadre's own box; the branches app may register its own).
    monkeypatch.setattr("jiujin.core.registry._party_members", [])
    party = CadreFactory(community=tree.community_a, is_party_member=True, category="tuixiu")
    other = CadreFactory(community=tree.community_a, is_party_member=False, category="lixiu")
    event = make_event(cast.community_a, tree.community_a, audience="party")
    event_sign_up(actor=actor, event=event, cadre=party)
    with pytest.raises(ValidationError) as e:
        event_sign_up(actor=actor, event=event, cadre=other)
    assert "不在本活动的参加对象内" in e.value.messages[0]
    lixiu = make_event(cast.community_a, tree.community_a, audience="category", audience_category="lixiu")
    event_sign_up(actor=actor, event=lixiu, cadre=other)
    with pytest.raises(ValidationError):
        event_sign_up(actor=actor, event=lixiu, cadre=party)


def test_it_enforces_an_age_band(tree, cast, actor):
    day = (NOW + timedelta(days=2)).date()
    young = CadreFactory(community=tree.community_a, birth_date=date(day.year - 65, 1, 1))
    old = CadreFactory(community=tree.community_a, birth_date=date(day.year - 85, 1, 1))
    event = make_event(cast.community_a, tree.community_a, audience="age", age_min=60, age_max=79)
    event_sign_up(actor=actor, event=event, cadre=young)
    with pytest.raises(ValidationError):
        event_sign_up(actor=actor, event=event, cadre=old)


def test_it_enforces_a_registered_cadre_group(tree, cast, actor, monkeypatch):
    a, b = CadreFactory.create_batch(2, community=tree.community_a)
    from django.db.models import Q

    cadre_group_register(
        CadreGroup("test-team", "测试组", lambda user: [("t1", "一组")], lambda v: Q(pk=a.pk))
    )
    event = make_event(
        cast.community_a, tree.community_a, audience="group", group_code="test-team", group_value="t1"
    )
    event_sign_up(actor=actor, event=event, cadre=a)
    with pytest.raises(ValidationError):
        event_sign_up(actor=actor, event=event, cadre=b)


def test_it_opens_a_street_event_to_its_communities_only(tree, cast):
    event = make_event(cast.street, tree.street)
    b = CadreFactory(community=tree.community_b)
    z = CadreFactory(community=tree.community_z)
    event_sign_up(actor=Actor(user=cast.community_b), event=event, cadre=b)
    with pytest.raises(ValidationError):
        event_sign_up(actor=Actor(user=cast.admin), event=event, cadre=z)
    assert event in Event.objects.for_user(cast.community_a)
    assert event in Event.objects.for_user(cast.district)
    assert event not in Event.objects.for_user(cast.community_z)
    assert event not in Event.objects.for_user(cast.volunteer)
    mine = make_event(cast.community_a, tree.community_a)
    assert mine not in Event.objects.for_user(cast.community_b)
    assert mine in Event.objects.for_user(cast.street)
    assert event not in Event.objects.managed_by(cast.community_a)


def test_it_counts_a_double_check_in_once(tree, cast, actor, cadre_a):
    event = make_event(cast.community_a, tree.community_a)
    first, created = event_check_in(actor=actor, event=event, cadre=cadre_a, via="list")
    again, created_again = event_check_in(
        actor=Actor(user=cast.street), event=event, cadre=cadre_a, via="api"
    )
    assert created and not created_again and first.pk == again.pk
    assert Attendance.objects.count() == 1
    # A walk-in is signed up as they check in.
    assert SignUp.objects.get().state == "confirmed"


def test_it_makes_a_weekly_series(tree, cast):
    event = make_event(
        cast.community_a, tree.community_a, repeat_until=(NOW + timedelta(days=2 + 7 * 9)).date()
    )
    sessions = Event.objects.filter(series=event.series).order_by("starts_at")
    assert sessions.count() == 10
    gaps = {(b.starts_at - a.starts_at) for a, b in itertools.pairwise(sessions)}
    assert gaps == {timedelta(weeks=1)}
    assert all(s.starts_at.astimezone(TZ).hour == 10 for s in sessions)


def test_it_reports_participation_and_six_months_of_nothing(tree, cast, actor, cadre_a):
    idle = CadreFactory(community=tree.community_a)
    with time_machine.travel(NOW, tick=False):
        old = make_event(cast.community_a, tree.community_a, starts_at=NOW - timedelta(days=200))
        recent = make_event(cast.community_a, tree.community_a, starts_at=NOW - timedelta(days=10))
        event_check_in(actor=actor, event=old, cadre=idle, via="list")
        event_check_in(actor=actor, event=recent, cadre=cadre_a, via="list")
        assert selectors.participation(cadre_a.pk, NOW.date() - timedelta(days=365)) == (
            1,
            recent.starts_at.date(),
        )
        assert selectors.participation(idle.pk, NOW.date() - timedelta(days=100)) == (0, old.starts_at.date())
        inactive = list(selectors.inactive_cadres(cast.community_a, NOW.date()))
        assert idle in inactive and cadre_a not in inactive
        assert list(selectors.inactive_cadres(cast.community_b, NOW.date())) == []


def test_it_enrols_within_the_cap_and_promotes_from_the_waiting_list(tree, cast, actor):
    a, b = CadreFactory.create_batch(2, community=tree.community_a)
    course = Course.objects.create(name="书法", unit=tree.community_a)
    term = Term.objects.create(
        course=course, name="秋季", starts_on=date(2026, 9, 1), ends_on=date(2026, 10, 31)
    )
    with time_machine.travel(NOW, tick=False):
        klass = course_class_create(
            actor=actor,
            term=term,
            data={
                "name": "一班",
                "teacher": "李老师",
                "weekday": 2,
                "start_time": time(9),
                "end_time": time(11),
                "place": "活动室",
                "capacity": 1,
            },
        )
        sessions = Event.objects.filter(series=klass.series)
        assert sessions.count() == 9 and all(s.starts_at.weekday() == 2 for s in sessions)
        assert enrolment_add(actor=actor, course_class=klass, cadre=a).state == "confirmed"
        assert enrolment_add(actor=actor, course_class=klass, cadre=b).state == "waiting"
        future = sessions.filter(starts_at__gte=NOW).count()
        assert SignUp.objects.filter(cadre=a, state="confirmed").count() == future
        assert enrolment_cancel(actor=actor, course_class=klass, cadre=a).cadre == b
        assert SignUp.objects.filter(cadre=b, state="confirmed").count() == future
        assert SignUp.objects.filter(cadre=a, state="confirmed").count() == 0


def test_it_computes_attendance_rates_per_cadre_and_unit(tree, cast, actor, cadre_a):
    b = CadreFactory(community=tree.community_b)
    with time_machine.travel(NOW, tick=False):
        street_event = make_event(cast.street, tree.street, starts_at=NOW - timedelta(days=5))
        own = make_event(cast.community_a, tree.community_a, starts_at=NOW - timedelta(days=4))
        street = Actor(user=cast.street)
        for event in (street_event, own):
            event_sign_up(actor=street, event=event, cadre=cadre_a)
        event_sign_up(actor=street, event=street_event, cadre=b)
        event_check_in(actor=street, event=street_event, cadre=cadre_a, via="list")
        since = NOW.date() - timedelta(days=30)
        assert selectors.cadre_rate(cadre_a.pk, since) == {"signed_up": 2, "attended": 1, "rate": 50}
        rows = {
            r["unit"].code: r for r in selectors.rates_by_unit(cast.street, tree.street, since, NOW.date())
        }
        assert (rows["421102001001"]["signed_up"], rows["421102001001"]["attended"]) == (2, 1)
        assert rows["421102001002"]["rate"] == 0
        district = selectors.rates_by_unit(cast.district, tree.district, since, NOW.date())
        assert [(r["signed_up"], r["attended"]) for r in district] == [(3, 1)]
        # A community worker sees only its own cadres in the figures.
        mine = selectors.rates_by_unit(cast.community_a, tree.community_a, since, NOW.date())
        assert [(r["signed_up"], r["attended"]) for r in mine] == [(2, 1)]
