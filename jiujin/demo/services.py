"""Demo data: a fictional city 江城市 (code 4299) with logins, plausible cadres and a year of their history.

Everything lives under area codes that no real place has (4299xx), so demo rows can always be told from
real ones. Deterministic: the same seed and the same day give the same data — "today" is read from the
clock once and every date is derived from it. Cadres are written set-based (bulk inserts in chunks), and
the history (visits, calls, pairings, health) covers at most HISTORY_CADRES of them, so the 1,000,000-row
benchmark set still builds in minutes. Demo rows are not audit-logged — nobody's personal data is involved.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.orgs.models import OrgUnit

from .assessments import ASSESSOR_LOGIN, assessments_create
from .branches import branches_create
from .calls import calls_create
from .care import pairings_create, volunteers_create
from .community import directory_create, plans_create
from .context import HISTORY_CADRES, Demo
from .contributions import contributions_create
from .dashboards import dashboards_create
from .events import events_create
from .health_records import health_records_create
from .history import visits_create
from .opinions import WORK_UNIT_LOGIN, opinions_create
from .people import CadreMaker, chunks, insert_chunk
from .pilots import pilots_create
from .rewards import rewards_create
from .risk import risk_create
from .surveys import surveys_create
from .tree import (
    COMMUNITY_A_CODE,
    COMMUNITY_B_CODE,
    DEMO_CITY_CODE,
    DEMO_PASSWORD,
    DemoLogin,
    create_tree,
    create_users,
    tags,
    work_units,
)

__all__ = [
    "COMMUNITY_A_CODE",
    "COMMUNITY_B_CODE",
    "DEMO_CITY_CODE",
    "DEMO_PASSWORD",
    "DemoLogin",
    "demo_data_create",
    "demo_data_exists",
    "demo_logins",
    "real_data_exists",
]


def demo_data_exists() -> bool:
    return OrgUnit.objects.filter(code=DEMO_CITY_CODE).exists()


def real_data_exists() -> bool:
    """Any cadre outside the demo city is someone's real record."""
    return Cadre.objects.exclude(community__path__startswith=f"/{DEMO_CITY_CODE}/").exists()


@transaction.atomic
def demo_data_create(
    *,
    cadres: int = 1000,
    seed: int = 2024,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[DemoLogin]:
    """Build the demo city, its logins, `cadres` cadres and their year. Callers check `demo_data_exists()`."""
    progress = progress or (lambda message: None)
    now = timezone.now()
    today = today or timezone.localdate(now)
    _bulk_load_settings()
    communities = create_tree()
    rng = random.Random(seed)
    logins, workers, password = create_users(communities, random.Random(f"{seed}:users"))
    maker = CadreMaker(rng, today=today, communities=communities, workers=workers, units=work_units())
    tag_ids = tags(communities)
    done = 0
    for chunk in chunks(maker.cadres(cadres)):
        insert_chunk(chunk, maker, tag_ids)
        done += len(chunk)
        progress(f"已生成 {done}/{cadres} 名老干部")
    demo = Demo(seed=seed, today=today, now=now, communities=communities, workers=workers)
    demo.cadres = list(
        Cadre.objects.filter(community__in=communities, status=CadreStatus.ACTIVE).order_by("pk")[
            :HISTORY_CADRES
        ]
    )
    city = OrgUnit.objects.get(code=DEMO_CITY_CODE)
    progress(f"志愿者 {volunteers_create(demo, password=password)} 名，一助一结对 {pairings_create(demo)} 对")
    progress(f"走访记录 {visits_create(demo, city=city)} 条")
    progress(f"体检记录 {health_records_create(demo)} 条")
    progress(f"服务工单 {calls_create(demo, city=city)} 张")
    progress(f"服务名录 {directory_create(demo, city=city)} 条，服务方案 {plans_create(demo)} 份")
    # In this order: the assessment scores what the apps before it recorded, and the rewards follow its scores.
    for step in (
        events_create,
        branches_create,
        contributions_create,
        opinions_create,
        surveys_create,
        pilots_create,
        assessments_create,
        rewards_create,
        risk_create,
        dashboards_create,
    ):
        if report := step(demo, city=city):
            progress(report)
    logins.append(DemoLogin("demo-volunteer", "志愿者", communities[0].name))
    contact = User.objects.filter(username=WORK_UNIT_LOGIN).select_related("work_unit").first()
    if contact and contact.work_unit:
        logins.append(DemoLogin(contact.username, contact.get_role_display(), contact.work_unit.name))
    assessor = User.objects.filter(username=ASSESSOR_LOGIN).select_related("org_unit").first()
    if assessor and assessor.org_unit:
        logins.append(DemoLogin(assessor.username, assessor.get_role_display(), assessor.org_unit.name))
    return logins


def demo_logins() -> list[DemoLogin]:
    """The logins as they stand (for printing when the demo already exists)."""
    users = User.objects.filter(username__startswith="demo-").select_related("org_unit").order_by("id")
    return [
        DemoLogin(u.username, u.get_role_display(), u.org_unit.name if u.org_unit else "全部") for u in users
    ]


def _bulk_load_settings() -> None:
    """SQLite's default 2 MB page cache thrashes on a million rows with nine indexes: use 256 MB."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
