"""Community A's contribution objects for the access walk (jiujin/core/tests/test_access_walk.py)."""

from __future__ import annotations

from typing import Any

from jiujin.contributions.models import Contribution, Story, StoryPhoto, TalentEntry, Team, TeamMember

from .helpers import actor, log_hours, make_story, make_team


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    from jiujin.contributions.services import talent_nominate

    team = make_team(cast.community_a, tree.community_a, [cadre_a])
    log_hours(cast.community_a, cadre_a, "2")
    entry = talent_nominate(actor=actor(cast.community_a), cadre=cadre_a, field="law", joined_via="self")
    story = make_story(cast.community_a, tree.community_a, cadre_a)
    return {
        "pks": {
            "contributions:team": team.pk,
            "contributions:team_edit": team.pk,
            "contributions:team_member_add": team.pk,
            "contributions:team_member_drop": team.pk,
            "contributions:team_outing": team.pk,
            "contributions:talent_review": entry.pk,
            "contributions:story": story.pk,
            "contributions:story_edit": story.pk,
            "contributions:story_photo": story.photos.get().pk,
        },
        "written": [
            Contribution.objects.count,
            Team.objects.count,
            Story.objects.count,
            StoryPhoto.objects.count,
            TeamMember.objects.count,
            lambda: TalentEntry.objects.filter(removed_on__isnull=True).count(),
        ],
    }
