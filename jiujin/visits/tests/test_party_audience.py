"""七一 visits go to party members as the branches app knows them, or as the cadre's own box says."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jiujin.branches.tests.helpers import make_branch, make_member
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.tasks.models import VisitTask
from jiujin.visits.generation import visit_tasks_generate

pytestmark = pytest.mark.django_db


def july_first(cadre: Any) -> bool:
    return VisitTask.objects.filter(cadre=cadre, rule_key="holiday:july_first").exists()


def test_it_visits_branch_members_and_ticked_party_members_on_july_first(tree: Any, cast: Any) -> None:
    make = lambda **f: CadreFactory(community=tree.community_a, responsible_worker=cast.community_a, **f)  # noqa: E731
    in_branch = make(is_party_member=False)
    make_member(make_branch(tree.community_a), in_branch)
    ticked_only = make(is_party_member=True)  # no branch entered yet: keeps the visit
    neither = make(is_party_member=False)

    visit_tasks_generate(today=date(2026, 6, 20), through=date(2026, 7, 5))

    assert july_first(in_branch) and july_first(ticked_only)
    assert not july_first(neither)
