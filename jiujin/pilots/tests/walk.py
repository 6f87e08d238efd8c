"""The pilots app's objects for the access walk: a pilot of community A with a leading-group member and an
evidence file on its first step."""

from __future__ import annotations

from typing import Any

from jiujin.audit.services import Actor
from jiujin.pilots.models import GroupMember, Pilot, PilotEvidence, PilotStep
from jiujin.pilots.services import pilot_evidence_add, pilot_member_add

from .helpers import make_pilot, png_upload


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    pilot = make_pilot(cast.district, tree.community_a)
    step = pilot.steps.get(number=1)
    actor = Actor(user=cast.district)
    (evidence,) = pilot_evidence_add(actor=actor, step=step, kind="photo", files=[png_upload()])
    member = pilot_member_add(
        actor=actor, pilot=pilot, data={"position": "leader", "name": "李书记", "phone": "13907130001"}
    )
    return {
        "ids": {
            "pilot_id": pilot.pk,
            "step": step.number,
            "pilot_evidence_id": evidence.pk,
            "pilot_member_id": member.pk,
        },
        "pks": {"pilots": pilot.pk},
        "written": [
            Pilot.objects.count,
            PilotStep.objects.filter(done_date__isnull=False).count,
            PilotEvidence.objects.count,
            GroupMember.objects.count,
        ],
    }
