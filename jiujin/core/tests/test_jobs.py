from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.jobs import planner_statistics_daily
from jiujin.core.registry import daily_jobs

pytestmark = pytest.mark.django_db


def test_it_refreshes_sqlites_planner_statistics_in_the_daily_loop(tree) -> None:
    assert "planner-statistics" in [job.name for job in daily_jobs()]
    CadreFactory(community=tree.community_a)  # ANALYZE writes nothing for an empty table
    report = planner_statistics_daily(date(2026, 12, 8), None)
    if connection.vendor != "sqlite":
        assert report == "统计信息由数据库自动维护"
        return
    assert report == "已更新查询统计信息"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'cadres_cadre'")
        assert cursor.fetchone()[0] > 0
