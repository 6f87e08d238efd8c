"""The opinions app's objects for the access walk: an opinion of cadre_a routed to cadre_a's work unit, the
contact of that work unit (who may open that opinion and answer it, nothing else) and the contact of another
work unit (who may open nothing)."""

from __future__ import annotations

from typing import Any

from jiujin.opinions.models import Escalation, Opinion

from .helpers import give_work_unit, make_contact, make_opinion

OWN_CONTACT_MAY = {
    "home",
    "opinions:work_unit",
    "opinions:retirees",
    "opinions:detail",
    "opinions:reply",
    "/api/v1/opinions",
    "/api/v1/opinions/{opinion_id}",
    "/api/v1/opinions/{opinion_id}/reply",
}


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    own = give_work_unit(cadre_a)
    opinion = make_opinion(cast.community_a, cadre_a, route_to="work_unit")
    other = give_work_unit(cadre_a, "麻城市教育局")
    type(cadre_a).objects.filter(pk=cadre_a.pk).update(work_unit=own)  # back to its own work unit
    cadre_a.work_unit = own
    return {
        "ids": {"opinion_id": opinion.pk},
        "pks": {"opinions": opinion.pk},
        "outsiders": {
            "another work unit's contact": make_contact(other, "wu-other"),
            "cadre_a's work unit's contact": make_contact(own, "wu-own"),
        },
        "may": {"cadre_a's work unit's contact": OWN_CONTACT_MAY},
        "written": [Opinion.objects.count, Escalation.objects.count, _answered],
    }


def _answered() -> int:
    return (
        Opinion.objects.filter(state="answered").count() + Opinion.objects.exclude(satisfaction=None).count()
    )
