"""The health figures the summary tables keep (registry `SummaryFigure`, see dashboards). The third of the
section, `health_lectures` 健康讲座, is registered by the events app: the 健康讲座场次 Metric counts the
lectures entered as events, and the figure must count what the Metric counts.

- `checkups` 义诊和体检: the free check-ups (义诊/免费体检 campaigns) held on each day up to today (one
  entered ahead is planned, not held), counted for the holding unit only when it is a community. A street's check-up is open to all its communities and belongs to none
  of them (it would count once for each), as for the events' figures.
- `health_records` 健康档案更新: the entries added to the cadres' health records (体检、慢性病、用药、住院) on
  each day (local date of entry), by part, for the cadre's community. Edits of the profile are not
  counted: only the last one is kept, so a day's count would move.

Neither gives the cadres behind it: which cadres' health records changed, or who went to a check-up, is
health data read only with `view_health`, which a dashboard's drill-down does not ask for.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Model
from django.db.models.functions import TruncDate
from django.utils import timezone

from jiujin.core.registry import SummaryFigure, summary_figure_register
from jiujin.orgs.models import OrgLevel

from .models import CampaignKind, CheckUp, Condition, HealthCampaign, HospitalStay, Medication

Row = tuple[int, date, str, int]
SECTION = "健康"
# The parts of a record whose entries are counted: key → (model, label).
PARTS: dict[str, tuple[type[Model], str]] = {
    "checkup": (CheckUp, "体检记录"),
    "condition": (Condition, "慢性病"),
    "medication": (Medication, "用药"),
    "stay": (HospitalStay, "住院记录"),
}


def checkups_rows(start: date, end: date) -> Iterator[Row]:
    rows = (
        HealthCampaign.objects.filter(
            kind=CampaignKind.CHECKUP,
            date__range=(start, min(end, timezone.localdate())),
            org_unit__level=OrgLevel.COMMUNITY,
        )
        .values_list("org_unit_id", "date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for community_id, day, n in rows:
        yield community_id, day, "", n


def records_rows(start: date, end: date) -> Iterator[Row]:
    """One grouped query per part; the figure's own row is the engine's sum of the parts' rows."""
    day = TruncDate("created_at", tzinfo=timezone.get_current_timezone())
    since, until = (
        timezone.make_aware(datetime.combine(d, time.min)) for d in (start, end + timedelta(days=1))
    )
    for key, (model, _) in PARTS.items():
        rows = (
            model._default_manager.filter(created_at__gte=since, created_at__lt=until)
            .annotate(day=day)
            .values_list("cadre__community_id", "day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for community_id, on, n in rows:
            yield community_id, on, key, n
            yield community_id, on, "", n


def _parts() -> dict[str, str]:
    return {key: label for key, (_, label) in PARTS.items()}


def register() -> None:
    summary_figure_register(
        SummaryFigure("checkups", "义诊和体检", SECTION, 51, checkups_rows, unit_label="场"),
        SummaryFigure(
            "health_records", "健康档案更新", SECTION, 52, records_rows, unit_label="条", breakdown=_parts
        ),
    )
