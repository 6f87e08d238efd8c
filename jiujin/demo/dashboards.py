"""Demo summaries: the dashboards read the summary tables, recomputed over the whole demo history."""

from __future__ import annotations

from datetime import timedelta

from jiujin.cadres.models import Cadre
from jiujin.dashboards.services import summaries_refresh
from jiujin.orgs.models import OrgUnit

from .context import Demo

# Of the cadres with a history, about one in thirty joined the roster during the demo's year.
NEWCOMERS_EVERY = 30


def _filing_dates(demo: Demo) -> None:
    """The roster was filed years before the demo's year (not at the moment the demo ran), and a few cadres
    joined during it: the dashboards' 新增 then counts those few."""
    Cadre.objects.update(created_at=demo.at(demo.today - timedelta(days=3 * 365), 9 * 60))
    rng = demo.rng("filing")
    for cadre in demo.cadres[::NEWCOMERS_EVERY]:
        day = demo.today - timedelta(days=rng.randint(1, 360))
        Cadre.objects.filter(pk=cadre.pk).update(created_at=demo.at(day, 10 * 60))


def dashboards_create(demo: Demo, *, city: OrgUnit) -> str:
    """Runs after every other step (the risk levels included): the snapshot reads them all."""
    _filing_dates(demo)
    return summaries_refresh(today=demo.today).line()
