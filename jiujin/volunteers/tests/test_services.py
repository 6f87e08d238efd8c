"""Volunteer registry, logins, pairing rules and the contact log (services)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jiujin.accounts.models import Role
from jiujin.audit.models import AuditEvent
from jiujin.cadres.models import Cadre, CadreStatus, HealthStatus, LivingArrangement
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.volunteers.models import ContactLog, Pairing
from jiujin.volunteers.selectors import pairings_for
from jiujin.volunteers.services import (
    PairingConflict,
    contact_log_add,
    contact_log_follow_up,
    pairing_create,
    pairing_end,
    volunteer_create,
    volunteer_grant_login,
    volunteer_update,
)

from .helpers import actor, make_volunteer, pair

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- registry


def test_it_creates_a_volunteer_with_the_building_parsed(tree: Any, cast: Any) -> None:
    v = volunteer_create(
        actor=actor(cast.community_a),
        name="王红",
        phone="13900001111",
        community=tree.community_a,
        address="东湖小区5号楼",
    )
    assert v.building == "5"
    volunteer_update(
        actor=actor(cast.community_a), volunteer=v, values={"address": "东湖小区7栋", "name": "王红"}
    )
    v.refresh_from_db()
    assert (v.address, v.building) == ("东湖小区7栋", "7")
    assert AuditEvent.objects.filter(user=cast.community_a, detail__contains="王红").count() == 2


def test_it_gives_a_volunteer_a_login_of_the_volunteer_role_in_their_community(tree: Any, cast: Any) -> None:
    v = make_volunteer(tree.community_a, name="王红")
    user = volunteer_grant_login(
        actor=actor(cast.community_a), volunteer=v, username="wanghong", password="x-Pa55-word-1"
    )
    v.refresh_from_db()
    assert v.user == user and user.role == Role.VOLUNTEER and user.org_unit == tree.community_a
    assert user.check_password("x-Pa55-word-1") and user.display_name == "王红"
    with pytest.raises(PairingConflict):
        volunteer_grant_login(
            actor=actor(cast.community_a), volunteer=v, username="other", password="x-Pa55-word-1"
        )


def test_it_refuses_to_stand_down_a_paired_volunteer_and_follows_the_login(
    tree: Any, cast: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    pairing = pair(cadre_a, volunteer_a)
    with pytest.raises(ValidationError) as exc:
        volunteer_update(actor=actor(cast.community_a), volunteer=volunteer_a, values={"active": False})
    assert "先结束结对" in str(exc.value)
    pairing_end(actor=actor(cast.community_a), pairing=pairing, ended_on=date(2026, 9, 1), reason="搬离")
    volunteer_update(actor=actor(cast.community_a), volunteer=volunteer_a, values={"active": False})
    cast.volunteer.refresh_from_db()
    assert not cast.volunteer.is_active


# ---------------------------------------------------------------- pairings


def test_it_keeps_one_active_pairing_per_cadre_in_the_database(
    cadre_a: Any, volunteer_a: Any, tree: Any
) -> None:
    pair(cadre_a, volunteer_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        pair(cadre_a, make_volunteer(tree.community_a))


def test_it_ends_the_previous_pairing_when_re_pairing_and_keeps_history(
    cast: Any, tree: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    first = pairing_create(
        actor=actor(cast.community_a), cadre=cadre_a, volunteer=volunteer_a, started_on=date(2026, 3, 1)
    )
    other = make_volunteer(tree.community_a, name="老周")
    second = pairing_create(
        actor=actor(cast.community_a), cadre=cadre_a, volunteer=other, started_on=date(2026, 9, 1)
    )
    first.refresh_from_db()
    assert first.ended_on == date(2026, 9, 1) and "老周" in first.end_reason
    assert second.active and second.created_by == cast.community_a
    assert list(cadre_a.pairings.values_list("pk", flat=True)) == [second.pk, first.pk]  # history kept
    assert Pairing.objects.filter(cadre=cadre_a, ended_on__isnull=True).count() == 1
    audit = AuditEvent.objects.filter(cadre_id=cadre_a.pk, detail__startswith="一助一结对").order_by("id")
    assert [e.changes["一助一结对"] for e in audit] == [[None, "小李"], ["小李", "老周"]]


def test_it_refuses_to_pair_the_same_volunteer_twice(cast: Any, cadre_a: Any, volunteer_a: Any) -> None:
    pair(cadre_a, volunteer_a)
    with pytest.raises(PairingConflict, match="已与 小李 结对"):
        pairing_create(
            actor=actor(cast.community_a), cadre=cadre_a, volunteer=volunteer_a, started_on=date(2026, 9, 1)
        )


def test_it_refuses_a_start_before_the_current_pairing_began(
    cast: Any, tree: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    current = pair(cadre_a, volunteer_a, started_on=date(2026, 5, 1))
    with pytest.raises(ValidationError) as exc:
        pairing_create(
            actor=actor(cast.community_a),
            cadre=cadre_a,
            volunteer=make_volunteer(tree.community_a),
            started_on=date(2026, 4, 1),
        )
    assert "started_on" in exc.value.message_dict
    current.refresh_from_db()
    assert current.active  # nothing changed


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"living_arrangement": LivingArrangement.WITH_CHILDREN, "health_status": HealthStatus.GOOD},
            "独居、空巢",
        ),
        ({"status": CadreStatus.DECEASED}, "已去世"),
    ],
)
def test_it_pairs_only_active_cadres_living_alone_or_frail(
    cast: Any, tree: Any, volunteer_a: Any, fields: dict, message: str
) -> None:
    cadre = CadreFactory(community=tree.community_a, **fields)
    with pytest.raises(ValidationError, match=message):
        pairing_create(
            actor=actor(cast.community_a), cadre=cadre, volunteer=volunteer_a, started_on=date(2026, 9, 1)
        )


def test_it_pairs_a_frail_cadre_living_with_children(cast: Any, tree: Any, volunteer_a: Any) -> None:
    cadre = CadreFactory(
        community=tree.community_a,
        living_arrangement=LivingArrangement.WITH_CHILDREN,
        health_status=HealthStatus.DISABLED,
    )
    assert pairing_create(
        actor=actor(cast.community_a), cadre=cadre, volunteer=volunteer_a, started_on=date(2026, 9, 1)
    )


def test_it_refuses_a_volunteer_who_is_not_active(cast: Any, tree: Any, cadre_a: Any) -> None:
    idle = make_volunteer(tree.community_a, active=False)
    with pytest.raises(ValidationError, match="不在岗"):
        pairing_create(
            actor=actor(cast.community_a), cadre=cadre_a, volunteer=idle, started_on=date(2026, 9, 1)
        )


def test_it_ends_a_pairing_once(cast: Any, cadre_a: Any, volunteer_a: Any) -> None:
    pairing = pair(cadre_a, volunteer_a, started_on=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="不能早于结对日期"):
        pairing_end(actor=actor(cast.community_a), pairing=pairing, ended_on=date(2026, 4, 1), reason="x")
    pairing_end(
        actor=actor(cast.community_a), pairing=pairing, ended_on=date(2026, 9, 1), reason="志愿者搬离"
    )
    assert (pairing.ended_on, pairing.end_reason) == (date(2026, 9, 1), "志愿者搬离")
    with pytest.raises(PairingConflict, match="已于"):
        pairing_end(actor=actor(cast.community_a), pairing=pairing, ended_on=date(2026, 9, 2), reason="again")


# ---------------------------------------------------------------- contact log


def test_it_logs_contacts_only_on_a_current_pairing(cast: Any, cadre_a: Any, volunteer_a: Any) -> None:
    pairing = pair(cadre_a, volunteer_a, started_on=date(2026, 5, 1))
    log = contact_log_add(
        actor=actor(cast.volunteer),
        pairing=pairing,
        on=date(2026, 9, 20),
        form="phone",
        note="血压偏高",
        needs_attention=True,
    )
    assert log.created_by == cast.volunteer
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, user=cast.volunteer, action="create").exists()
    with pytest.raises(ValidationError, match="不能早于结对日期"):
        contact_log_add(actor=actor(cast.volunteer), pairing=pairing, on=date(2026, 4, 1), form="visit")
    Pairing.objects.filter(pk=pairing.pk).update(ended_on=date(2026, 9, 21))
    with pytest.raises(PairingConflict, match="已结束"):
        contact_log_add(actor=actor(cast.volunteer), pairing=pairing, on=date(2026, 9, 21), form="visit")


def test_it_follows_up_a_flagged_log_once(cast: Any, cadre_a: Any, volunteer_a: Any) -> None:
    log = ContactLog.objects.create(
        pairing=pair(cadre_a, volunteer_a), on=date(2026, 9, 20), needs_attention=True
    )
    contact_log_follow_up(actor=actor(cast.community_a), log=log)
    assert log.followed_up_at is not None and log.followed_up_by == cast.community_a
    with pytest.raises(PairingConflict):
        contact_log_follow_up(actor=actor(cast.community_a), log=log)


def test_it_scopes_a_volunteer_through_current_pairings_only(
    cast: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    pairing = pair(cadre_a, volunteer_a)
    assert not Cadre.objects.for_user(cast.volunteer).exists()  # no staff scope
    assert [p.cadre for p in pairings_for(cast.volunteer)] == [cadre_a]
    pairing_end(actor=actor(cast.community_a), pairing=pairing, ended_on=date(2026, 9, 1), reason="x")
    assert not pairings_for(cast.volunteer).exists()
