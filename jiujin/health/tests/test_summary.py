"""The health figures of the summary tables, against hand-built records (the clock is frozen by conftest):
exact rows and the tables' street/district/city figures after a refresh against a recount."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.cadres.tests.summary_helpers import rows_of
from jiujin.core import registry
from jiujin.core.registry import summary_figure
from jiujin.dashboards.selectors import unit_figures
from jiujin.dashboards.services import summaries_refresh
from jiujin.health.models import CheckUp, Condition, HealthCampaign, HospitalStay, Medication

from .conftest import TODAY

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
CODES = {"checkups", "health_records"}


def _campaign(unit: Any, day: date, kind: str = "checkup") -> None:
    HealthCampaign.objects.create(kind=kind, title="老干部免费体检", date=day, org_unit=unit)


def _entered(row: Any, at: datetime) -> None:
    type(row).objects.filter(pk=row.pk).update(created_at=at)


@pytest.fixture
def world(tree: Any) -> None:
    a, b, z = tree.community_a, tree.community_b, tree.community_z
    _campaign(a, date(2026, 1, 10))
    _campaign(a, date(2026, 1, 11), "lecture")  # a lecture is not a check-up
    _campaign(tree.street, date(2026, 1, 12))  # the street's: no community's
    _campaign(b, date(2026, 2, 1))
    _campaign(z, date(2026, 3, 1))
    _campaign(a, date(2025, 12, 31))  # before the year
    _campaign(b, date(2026, 4, 1))  # planned: not held yet
    a1, a2 = CadreFactory(community=a), CadreFactory(community=a)
    b1, z1 = CadreFactory(community=b), CadreFactory(community=z)
    checkup = CheckUp.objects.create(cadre=a1, date=date(2026, 1, 5), place="社区卫生服务站")
    _entered(checkup, datetime(2026, 1, 6, 0, 30, tzinfo=TZ))  # 5 January in UTC: the local day
    _entered(Condition.objects.create(cadre=a1, name="高血压"), datetime(2026, 2, 1, 10, tzinfo=TZ))
    _entered(Medication.objects.create(cadre=a2, name="阿司匹林"), datetime(2026, 2, 1, 11, tzinfo=TZ))
    stay = HospitalStay.objects.create(cadre=b1, hospital="黄冈市中心医院", admitted_on=date(2026, 2, 27))
    _entered(stay, datetime(2026, 3, 1, 9, tzinfo=TZ))
    CheckUp.objects.create(cadre=z1, date=TODAY, place="社区卫生服务站")  # entered now
    old = Condition.objects.create(cadre=a1, name="糖尿病")
    _entered(old, datetime(2025, 12, 31, 23, tzinfo=TZ))  # before the year


def test_it_counts_the_free_check_ups_a_community_held(tree, world):
    a, b, z = tree.community_a.pk, tree.community_b.pk, tree.community_z.pk
    assert rows_of("checkups", *YEAR) == {
        (a, date(2026, 1, 10), ""): 1,
        (b, date(2026, 2, 1), ""): 1,
        (z, date(2026, 3, 1), ""): 1,
    }
    figure = summary_figure("checkups")
    assert figure is not None and figure.cadres is None  # who went is health data


def test_it_counts_the_entries_added_to_health_records_per_part_on_their_local_day(tree, world):
    a, b, z = tree.community_a.pk, tree.community_b.pk, tree.community_z.pk
    feb = date(2026, 2, 1)
    assert rows_of("health_records", *YEAR) == {
        (a, date(2026, 1, 6), ""): 1,
        (a, date(2026, 1, 6), "checkup"): 1,
        (a, feb, ""): 2,
        (a, feb, "condition"): 1,
        (a, feb, "medication"): 1,
        (b, date(2026, 3, 1), ""): 1,
        (b, date(2026, 3, 1), "stay"): 1,
        (z, TODAY, ""): 1,
        (z, TODAY, "checkup"): 1,
    }
    assert rows_of("health_records", date(2026, 1, 5), date(2026, 1, 5)) == {}
    figure = summary_figure("health_records")
    assert figure is not None and figure.cadres is None and figure.breakdown
    assert figure.breakdown()["stay"] == "住院记录"


def test_its_rows_are_one_query_a_campaign_kind_and_one_a_part(tree, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows_of("checkups", *YEAR)
    with django_assert_num_queries(4):
        rows_of("health_records", *YEAR)


def test_the_refreshed_tables_give_every_level_the_same_numbers(tree, world, monkeypatch):
    mine = {code: f for code, f in registry._summary_figures.items() if code in CODES}
    monkeypatch.setattr(registry, "_summary_figures", mine)  # other apps' figures are tested by them
    summaries_refresh(today=TODAY)
    units = [tree.street, tree.district, tree.city]
    figures = unit_figures([u.pk for u in units], *YEAR)
    for unit in units:
        held = HealthCampaign.objects.filter(
            kind="checkup",
            date__range=(YEAR[0], TODAY),
            org_unit__level="community",
            org_unit__path__startswith=unit.path,
        )
        assert figures[unit.pk].get("checkups") == held.count()
        entered = sum(
            model.objects.filter(
                cadre__community__path__startswith=unit.path, created_at__gte=datetime(2026, 1, 1, tzinfo=TZ)
            ).count()
            for model in (CheckUp, Condition, Medication, HospitalStay)
        )
        assert figures[unit.pk].get("health_records") == entered
    street, city = figures[tree.street.pk], figures[tree.city.pk]
    assert (street.get("checkups"), city.get("checkups")) == (2, 3)
    assert (street.get("health_records"), city.get("health_records")) == (4, 5)
    assert city.get("health_records:checkup") == 2
