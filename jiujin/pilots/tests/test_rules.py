"""The pilot's rules: eight steps in order with spread target dates, done needs evidence or a note, reopening,
one 组长, the 1–2-a-year warning, who may do what, and the audit of every write."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.core.attachments import check_upload
from jiujin.pilots.models import STEP_NAMES, GroupMember, Pilot, PilotEvidence, PilotStatus
from jiujin.pilots.services import (
    pilot_create,
    pilot_evidence_add,
    pilot_evidence_delete,
    pilot_member_add,
    pilot_step_mark_done,
    pilot_step_reopen,
    pilot_step_update,
)

from .helpers import make_pilot, pdf_bytes, png_upload

pytestmark = pytest.mark.django_db


def test_it_creates_the_eight_steps_in_order_spread_over_the_year(cast: Any, tree: Any) -> None:
    pilot = make_pilot(cast.district, tree.community_a, year=2026)
    steps = list(pilot.steps.order_by("number"))
    assert [s.name for s in steps] == list(STEP_NAMES) == [
        "摸底调研", "培训骨干", "成立组织", "构建网络", "宣传发动", "建章立制", "开展活动", "总结提高",
    ]  # fmt: skip
    assert [s.number for s in steps] == list(range(1, 9))
    targets = [s.target_date for s in steps]
    assert targets == sorted(targets)
    assert targets[0] == date(2026, 2, 28) and targets[-1] == date(2026, 12, 31)
    assert all(t.year == 2026 for t in targets)
    assert pilot.district == tree.district and pilot.status == PilotStatus.ACTIVE
    assert AuditEvent.objects.filter(subject_type="pilots.pilot", subject_id=str(pilot.pk)).exists()


def test_it_warns_but_does_not_refuse_a_third_pilot_in_a_district(cast: Any, tree: Any) -> None:
    from jiujin.orgs.models import OrgLevel
    from jiujin.orgs.services import org_unit_create

    c = org_unit_create(code="421102001003", name="社区C", level=OrgLevel.COMMUNITY, parent=tree.street)
    actor = Actor(user=cast.district)
    warnings = [
        pilot_create(actor=actor, community=unit, year=2026, name="试点")[1]
        for unit in (tree.community_a, tree.community_b, c)
    ]
    assert warnings[:2] == ["", ""]
    assert "已有 3 个试点社区" in warnings[2]
    assert Pilot.objects.filter(district=tree.district, year=2026).count() == 3


def test_it_refuses_a_second_pilot_of_one_community_in_a_year(cast: Any, tree: Any) -> None:
    make_pilot(cast.district, tree.community_a, year=2026)
    with pytest.raises(ValidationError):
        make_pilot(cast.district, tree.community_a, year=2026)
    make_pilot(cast.district, tree.community_a, year=2025)  # another year is another pilot


def test_it_lets_only_district_and_city_staff_create_pilots(cast: Any, tree: Any) -> None:
    make_pilot(cast.city, tree.community_a, year=2026)
    for user in (cast.street, cast.community_a):
        with pytest.raises(PermissionDenied):
            make_pilot(user, tree.community_b, year=2026)


def test_it_marks_a_step_done_only_with_evidence_or_a_note(cast: Any, tree: Any) -> None:
    pilot = make_pilot(cast.district, tree.community_a)
    first, second = pilot.steps.order_by("number")[:2]
    worker = Actor(user=cast.community_a)
    with pytest.raises(ValidationError) as refused:
        pilot_step_mark_done(actor=worker, step=first)
    assert "佐证材料" in refused.value.messages[0]
    pilot_evidence_add(actor=worker, step=first, kind="photo", files=[png_upload()])
    done = pilot_step_mark_done(actor=worker, step=first)
    assert done.done_date == date(2026, 7, 15) and done.done_by == cast.community_a
    done = pilot_step_mark_done(
        actor=worker, step=second, note="召开骨干培训会2次", done_date=date(2026, 3, 20)
    )
    assert (done.done_date, done.note) == (date(2026, 3, 20), "召开骨干培训会2次")
    with pytest.raises(ValidationError):  # already done
        pilot_step_mark_done(actor=worker, step=second, note="再次")


def test_it_refuses_a_done_date_in_the_future(cast: Any, tree: Any) -> None:
    step = make_pilot(cast.district, tree.community_a).steps.get(number=1)
    with pytest.raises(ValidationError) as refused:
        pilot_step_mark_done(actor=Actor(user=cast.street), step=step, note="好", done_date=date(2026, 7, 16))
    assert "done_date" in refused.value.message_dict


def test_it_finishes_the_pilot_with_the_eighth_step_and_reopening_makes_it_active(
    cast: Any, tree: Any
) -> None:
    pilot = make_pilot(cast.district, tree.community_a)
    actor = Actor(user=cast.community_a)
    for step in pilot.steps.order_by("number"):
        pilot_step_mark_done(actor=actor, step=step, note="完成")
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.FINISHED
    last = pilot.steps.get(number=8)
    with pytest.raises(PermissionDenied):
        pilot_step_reopen(actor=actor, step=last, reason="材料不全")
    with pytest.raises(ValidationError):
        pilot_step_reopen(actor=Actor(user=cast.district), step=last, reason=" ")
    pilot_step_reopen(actor=Actor(user=cast.district), step=last, reason="材料不全")
    last.refresh_from_db()
    pilot.refresh_from_db()
    assert last.done_date is None and pilot.status == PilotStatus.ACTIVE
    assert AuditEvent.objects.filter(detail__contains="重新打开：材料不全").exists()


def test_it_lets_only_managers_change_a_steps_plan(cast: Any, tree: Any) -> None:
    step = make_pilot(cast.district, tree.community_a).steps.get(number=3)
    with pytest.raises(PermissionDenied):
        pilot_step_update(actor=Actor(user=cast.street), step=step, data={"responsible": "王"})
    pilot_step_update(
        actor=Actor(user=cast.district), step=step,
        data={"target_date": date(2026, 4, 30), "responsible": "王书记", "note": ""},
    )  # fmt: skip
    step.refresh_from_db()
    assert (step.target_date, step.responsible) == (date(2026, 4, 30), "王书记")
    event = AuditEvent.objects.get(subject_type="pilots.pilotstep", subject_id=str(step.pk))
    assert event.changes["target_date"] == ["2026-05-31", "2026-04-30"]


def test_it_lets_the_uploader_or_the_district_delete_evidence(cast: Any, tree: Any) -> None:
    step = make_pilot(cast.district, tree.community_a).steps.get(number=1)
    (mine,) = pilot_evidence_add(
        actor=Actor(user=cast.community_a), step=step, kind="photo", files=[png_upload()]
    )
    (other,) = pilot_evidence_add(
        actor=Actor(user=cast.street), step=step, kind="photo", files=[png_upload()]
    )
    with pytest.raises(PermissionDenied):
        pilot_evidence_delete(actor=Actor(user=cast.community_a), evidence=other)
    pilot_evidence_delete(actor=Actor(user=cast.community_a), evidence=mine)
    pilot_evidence_delete(actor=Actor(user=cast.district), evidence=other)
    assert PilotEvidence.objects.count() == 0
    assert AuditEvent.objects.filter(detail__contains="删除佐证材料").count() == 2


def test_it_keeps_exactly_one_leader(cast: Any, tree: Any) -> None:
    pilot = make_pilot(cast.district, tree.community_a)
    actor = Actor(user=cast.district)
    pilot_member_add(
        actor=actor, pilot=pilot, data={"position": "leader", "name": "李书记", "role": "社区书记"}
    )
    with pytest.raises(ValidationError):
        pilot_member_add(actor=actor, pilot=pilot, data={"position": "leader", "name": "王主任"})
    for name in ("王主任", "赵站长"):
        pilot_member_add(actor=actor, pilot=pilot, data={"position": "deputy", "name": name})
    pilot_member_add(actor=actor, pilot=pilot, data={"position": "member", "name": "钱委员"})
    assert GroupMember.objects.filter(pilot=pilot).count() == 4
    with pytest.raises(IntegrityError), transaction.atomic():  # the constraint holds without the service too
        GroupMember.objects.create(pilot=pilot, position="leader", name="孙")
    with pytest.raises(PermissionDenied):
        pilot_member_add(
            actor=Actor(user=cast.street), pilot=pilot, data={"position": "member", "name": "周"}
        )


def test_it_files_an_image_left_as_a_document_as_a_photo(cast: Any, tree: Any) -> None:
    step = make_pilot(cast.district, tree.community_a).steps.get(number=1)
    files = [png_upload(), check_upload(pdf_bytes(), name="纪要.pdf")]
    photo, pdf = pilot_evidence_add(actor=Actor(user=cast.street), step=step, kind="document", files=files)
    assert (photo.kind, pdf.kind) == ("photo", "document")
    (minutes,) = pilot_evidence_add(
        actor=Actor(user=cast.street), step=step, kind="minutes", files=[png_upload()]
    )
    assert minutes.kind == "minutes"
