"""One home for chronic conditions: the 健康档案. The cadre's old 慢性病 text moves there (migrations
health.0002 and cadres.0007), the cadre page and the volunteers' matching read it there."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiujin.cadres.models import Cadre
from jiujin.health.models import Condition

BEFORE = [("health", "0001_initial"), ("cadres", "0006_tag_unit_required")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _latest() -> None:
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_it_moves_the_cadres_text_into_condition_rows(cadre_a: Any, tree: Any) -> None:
    from jiujin.cadres.tests.factories import CadreFactory

    other = CadreFactory(community=tree.community_a)
    Condition.objects.create(cadre=cadre_a, name="糖尿病")  # already in the health record
    Condition.objects.create(cadre=cadre_a, name="冠心病", active=False)  # cured once, back now
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("cadres", "Cadre")
    old.objects.filter(pk=cadre_a.pk).update(chronic_conditions="高血压、糖尿病；高血压 冠心病,，/ 慢阻肺")
    old.objects.filter(pk=other.pk).update(chronic_conditions="  ")

    _latest()

    assert not any(f.name == "chronic_conditions" for f in Cadre._meta.get_fields())
    rows = Condition.objects.filter(cadre=cadre_a).order_by("name", "active")
    assert list(rows.values_list("name", "active")) == [
        ("冠心病", False),
        ("冠心病", True),
        ("慢阻肺", True),
        ("糖尿病", True),
        ("高血压", True),
    ]
    assert not Condition.objects.filter(cadre=other).exists()


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_text_back_on_a_rollback(cadre_a: Any) -> None:
    Condition.objects.create(cadre=cadre_a, name="高血压")
    Condition.objects.create(cadre=cadre_a, name="哮喘", active=False)
    Condition.objects.create(cadre=cadre_a, name="糖尿病")
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("cadres", "Cadre")
    assert old.objects.get(pk=cadre_a.pk).chronic_conditions == "高血压、糖尿病"
    _latest()
    assert Condition.objects.filter(cadre=cadre_a).count() == 3  # nothing doubled on the way back up


@pytest.mark.django_db
def test_it_shows_the_health_records_conditions_on_the_cadre_page(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    Condition.objects.create(cadre=cadre_a, name="高血压")
    Condition.objects.create(cadre=cadre_a, name="哮喘", active=False)
    page = client_for(cast.community_a).get(f"/cadres/{cadre_a.pk}/").content.decode()
    assert 'id="cadre-conditions"' in page and "高血压" in page and "哮喘" not in page
    assert f"/health/cadres/{cadre_a.pk}/" in page
    # Health data: a street user (no view_health) sees the cadre, not the conditions.
    street = client_for(cast.street).get(f"/cadres/{cadre_a.pk}/").content.decode()
    assert "张德明" in street and "高血压" not in street and 'id="cadre-conditions"' not in street


@pytest.mark.django_db
def test_it_says_when_the_health_record_holds_no_condition(cadre_a: Any, cast: Any, client_for: Any) -> None:
    page = client_for(cast.community_a).get(f"/cadres/{cadre_a.pk}/").content.decode()
    assert "健康档案中暂无在治的慢性病" in page


@pytest.mark.django_db
def test_it_has_no_chronic_text_on_the_cadre_form_or_api(
    cadre_a: Any, cast: Any, client_for: Any, api_as: Any
) -> None:
    form = client_for(cast.community_a).get(f"/cadres/{cadre_a.pk}/edit/").content.decode()
    assert 'name="chronic_conditions"' not in form
    detail = api_as(cast.community_a).get(f"/cadres/{cadre_a.pk}")
    assert detail.status_code == 200 and "chronic_conditions" not in detail.json()


@pytest.mark.django_db
def test_it_matches_volunteers_on_the_health_records_conditions(cadre_a: Any) -> None:
    from jiujin.volunteers.matching import CHRONIC_NEEDS
    from jiujin.volunteers.selectors import cadre_needs

    assert not set(CHRONIC_NEEDS) & set(cadre_needs(cadre_a))
    Condition.objects.create(cadre=cadre_a, name="高血压", active=False)
    assert not set(CHRONIC_NEEDS) & set(cadre_needs(cadre_a))  # no longer treated
    Condition.objects.create(cadre=cadre_a, name="糖尿病")
    assert set(CHRONIC_NEEDS) <= set(cadre_needs(cadre_a))
