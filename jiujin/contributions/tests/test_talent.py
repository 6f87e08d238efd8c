"""The 银发人才库: nomination and self-nomination, the two-year review, the age limit, the audience group."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.contributions.models import JoinedVia, TalentEntry
from jiujin.contributions.selectors import talent_due, talent_for
from jiujin.contributions.services import talent_nominate, talent_review
from jiujin.core.registry import cadre_group

from .helpers import TODAY, actor

pytestmark = pytest.mark.django_db


def nominate(user: Any, cadre: Any, **kwargs: Any) -> TalentEntry:
    kwargs.setdefault("field", "law")
    kwargs.setdefault("joined_via", JoinedVia.NOMINATION)
    return talent_nominate(actor=actor(user), cadre=cadre, **kwargs)


def test_it_files_a_nomination_naming_the_nominator(cast: Any, cadre_a: Any) -> None:
    entry = nominate(cast.community_a, cadre_a, nominator_name="东湖街道 王主任", specialty="退休法官")
    assert entry.nominated_by == cast.community_a
    assert entry.nominator_name == "东湖街道 王主任"
    assert entry.joined_on == TODAY
    assert entry.next_review_on == date(2028, 9, 23)


def test_it_names_the_worker_when_a_nomination_gives_no_nominator(cast: Any, cadre_a: Any) -> None:
    entry = nominate(cast.community_a, cadre_a)
    assert entry.nominator_name == cast.community_a.display_name


def test_it_files_a_self_nomination_without_a_nominator(cast: Any, cadre_a: Any) -> None:
    entry = nominate(cast.community_a, cadre_a, joined_via=JoinedVia.SELF, nominator_name="有人")
    assert entry.nominated_by is None
    assert entry.nominator_name == ""


def test_it_refuses_a_second_current_entry_in_the_same_field(cast: Any, cadre_a: Any) -> None:
    nominate(cast.community_a, cadre_a)
    with pytest.raises(ValidationError):
        nominate(cast.community_a, cadre_a)
    nominate(cast.community_a, cadre_a, field="art")  # another field is fine
    assert TalentEntry.objects.current().filter(cadre=cadre_a).count() == 2


def test_it_lists_an_entry_as_due_two_years_after_it_joined(cast: Any, cadre_a: Any) -> None:
    entry = nominate(cast.community_a, cadre_a)
    with time_machine.travel(date(2028, 9, 22), tick=False):
        assert list(talent_due(cast.community_a, date(2028, 9, 22))) == []
    with time_machine.travel(date(2028, 9, 23), tick=False):
        assert list(talent_due(cast.community_a, date(2028, 9, 23))) == [entry]


def test_it_keeps_an_entry_for_two_more_years_at_review(cast: Any, cadre_a: Any) -> None:
    entry = nominate(cast.community_a, cadre_a)
    with time_machine.travel(date(2028, 10, 1), tick=False):
        review = talent_review(actor=actor(cast.community_a), entry=entry, outcome="keep", note="仍在调解")
    entry.refresh_from_db()
    assert review.reviewed_on == date(2028, 10, 1)
    assert entry.next_review_on == date(2030, 10, 1)
    assert entry.removed_on is None


def test_it_removes_an_entry_with_a_note_and_keeps_its_history(cast: Any, cadre_a: Any) -> None:
    entry = nominate(cast.community_a, cadre_a)
    with pytest.raises(ValidationError):
        talent_review(actor=actor(cast.community_a), entry=entry, outcome="remove")
    talent_review(actor=actor(cast.community_a), entry=entry, outcome="remove", note="身体原因")
    entry.refresh_from_db()
    assert entry.removed_on == TODAY
    assert entry.reviews.get().note == "身体原因"
    assert not talent_for(cast.community_a, TODAY).exists()
    nominate(cast.community_a, cadre_a)  # may be nominated again later


def test_it_flags_entries_over_the_age_limit_without_removing_them(
    cast: Any, tree: Any, settings: Any
) -> None:
    settings.JIUJIN_TALENT_AGE_LIMIT = 80
    old = CadreFactory(community=tree.community_a, birth_date=date(1945, 9, 22))  # 81 today
    limit = CadreFactory(community=tree.community_a, birth_date=date(1945, 9, 24))  # 80 today
    for cadre in (old, limit):
        nominate(cast.community_a, cadre)
    flags = dict(talent_for(cast.community_a, TODAY).values_list("cadre_id", "over_age"))
    assert flags == {old.pk: True, limit.pk: False}
    entry = TalentEntry.objects.get(cadre=old)
    review = talent_review(actor=actor(cast.community_a), entry=entry, outcome="keep")
    assert review.over_age is True
    assert TalentEntry.objects.current().filter(cadre=old).exists()


def test_it_reads_the_age_limit_from_the_settings(cast: Any, tree: Any, settings: Any) -> None:
    settings.JIUJIN_TALENT_AGE_LIMIT = 70
    cadre = CadreFactory(community=tree.community_a, birth_date=date(1950, 1, 1))  # 76
    nominate(cast.community_a, cadre)
    assert talent_for(cast.community_a, TODAY).get().over_age is True


def test_it_offers_the_pool_by_field_as_a_group_of_cadres(cast: Any, tree: Any, cadre_a: Any) -> None:
    other = CadreFactory(community=tree.community_a)
    nominate(cast.community_a, cadre_a, field="law")
    nominate(cast.community_a, other, field="art")
    group = cadre_group("talent")
    assert group is not None
    assert ("law", "人才库·法律/调解") in group.choices(cast.community_a)
    assert list(Cadre.objects.filter(group.q("law"))) == [cadre_a]


def test_it_hides_the_pool_from_outsiders(cast: Any, cadre_a: Any) -> None:
    nominate(cast.community_a, cadre_a)
    for user in cast.outsiders():
        assert not talent_for(user, TODAY).exists()
    assert talent_for(cast.street, TODAY).count() == 1
