"""The cadres app's figure for the 千分 assessment (registered in apps.py): 四知掌握率.

A point-in-time figure: it reads the cadres on file now and ignores the assessment's dates (what is known of
a cadre has no date), with the same annotation and the same numbers as the supervisor home's 四知掌握.
"""

from __future__ import annotations

from datetime import date

from jiujin.core.registry import Metric, metric_register

from .models import MUST_KNOWS, Cadre
from .selectors import must_knows_counts


def must_knows_by_community(
    community_ids: list[int], start: date, end: date
) -> dict[int, tuple[float, float]]:
    """Must-knows known / owed (four per active cadre), per community; one grouped query."""
    rows = must_knows_counts(Cadre.objects.active().filter(community_id__in=community_ids))
    return {r["community_id"]: (r["known"] or 0, r["total"] * len(MUST_KNOWS)) for r in rows}


MUST_KNOWS_METRIC = Metric(
    code="must_knows",
    label="四知掌握率（按当前名册）",
    kind="rate",
    unit_label="%",
    order=10,
    by_community=must_knows_by_community,
)


def register() -> None:
    metric_register(MUST_KNOWS_METRIC)
