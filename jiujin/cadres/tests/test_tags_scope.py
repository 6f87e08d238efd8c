"""爱好特长 tags: per district, capped per cadre, no orphans; and a duplicate ID number saved at the same
moment is a field error, never a 500."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from jiujin.accounts.models import ApiToken
from jiujin.audit.services import Actor
from jiujin.cadres.filters import CadreFilterForm
from jiujin.cadres.forms import CadreForm
from jiujin.cadres.models import Cadre, Tag
from jiujin.cadres.services import CadreData, cadre_create, cadre_update
from jiujin.cadres.tags import MAX_TAGS, TOO_LONG, TOO_MANY
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.cadres.tests.test_views import form_data
from jiujin.demo.identities import id_number

pytestmark = pytest.mark.django_db

LIST = reverse("cadres:list")


def set_tags(cadre: Cadre, actor_user: Any, names: list[str]) -> None:
    cadre_update(actor=Actor(user=actor_user), cadre=cadre, data={"tags": names})


def tag_choices(user: Any) -> list[str]:
    return [value for value, _label in CadreFilterForm(user=user).fields["tag"].choices if value]


def api_post(user: Any, path: str, body: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}
    return Client().post(f"/api/v1{path}", body, content_type="application/json", headers=headers)


# ---------------------------------------------------------------- scope


def test_it_files_tags_under_the_cadres_district(cast: Any, tree: Any, cadre_a: Cadre) -> None:
    z = CadreFactory(community=tree.community_z)
    set_tags(cadre_a, cast.community_a, ["书法"])
    set_tags(z, cast.admin, ["书法", "麻城花鼓戏"])

    assert sorted(Tag.objects.values_list("org_unit__code", "name")) == [
        ("421102", "书法"),
        ("421181", "书法"),
        ("421181", "麻城花鼓戏"),
    ]
    assert [t.org_unit for t in cadre_a.tags.all()] == [tree.district]


def test_it_offers_only_the_tags_of_the_users_tree(cast: Any, tree: Any, cadre_a: Cadre) -> None:
    set_tags(cadre_a, cast.community_a, ["书法"])
    set_tags(CadreFactory(community=tree.community_z), cast.admin, ["麻城花鼓戏", "书法"])

    assert tag_choices(cast.community_a) == ["书法"]
    assert tag_choices(cast.community_b) == ["书法"]  # the same district's list
    assert tag_choices(cast.district) == ["书法"]
    assert tag_choices(cast.community_z) == ["书法", "麻城花鼓戏"]
    assert tag_choices(cast.city) == ["书法", "麻城花鼓戏"]  # one 书法 though two districts have one
    html = Client()
    html.force_login(cast.community_a, backend="django.contrib.auth.backends.ModelBackend")
    assert "麻城花鼓戏" not in html.get(LIST).content.decode()


def test_it_filters_a_city_list_by_a_tag_name_across_districts(
    cast: Any, tree: Any, cadre_a: Cadre, client_for: Any
) -> None:
    z = CadreFactory(name="李建国", community=tree.community_z)
    set_tags(cadre_a, cast.community_a, ["书法"])
    set_tags(z, cast.admin, ["书法"])
    response = client_for(cast.city).get(LIST, {"tag": "书法"})
    assert sorted(c.name for c in response.context["page"].object_list) == ["张德明", "李建国"]


def test_it_moves_the_tags_with_a_cadre_to_another_district(cast: Any, tree: Any, cadre_a: Cadre) -> None:
    set_tags(cadre_a, cast.community_a, ["书法"])
    cadre_update(actor=Actor(user=cast.admin), cadre=cadre_a, data={"community": tree.community_z})

    assert [(t.org_unit, t.name) for t in cadre_a.tags.all()] == [(tree.district_z, "书法")]
    assert list(Tag.objects.values_list("org_unit__code", flat=True)) == ["421181"]  # old one gone


# ---------------------------------------------------------------- orphans


def test_it_deletes_a_tag_no_cadre_uses_any_more(cast: Any, tree: Any, cadre_a: Cadre) -> None:
    other = CadreFactory(community=tree.community_b)
    set_tags(cadre_a, cast.community_a, ["书法", "象棋"])
    set_tags(other, cast.street, ["象棋"])

    set_tags(cadre_a, cast.community_a, ["太极拳"])

    assert sorted(Tag.objects.values_list("name", flat=True)) == ["太极拳", "象棋"]  # 象棋 still used
    set_tags(other, cast.street, [])
    assert list(Tag.objects.values_list("name", flat=True)) == ["太极拳"]


# ---------------------------------------------------------------- the cap


def test_the_service_refuses_more_than_twenty_tags(cast: Any, cadre_a: Cadre) -> None:
    with pytest.raises(ValidationError) as caught:
        set_tags(cadre_a, cast.community_a, [f"爱好{i}" for i in range(MAX_TAGS + 1)])
    assert caught.value.message_dict == {"tags_text": [TOO_MANY]}
    assert TOO_MANY == "爱好特长最多20项"
    assert not Tag.objects.exists()


def test_the_service_refuses_ten_thousand_tags_before_any_query(
    cast: Any, cadre_a: Cadre, django_assert_max_num_queries: Any
) -> None:
    names = [f"t{i}" for i in range(10_000)]
    with django_assert_max_num_queries(6) as queries, pytest.raises(ValidationError):
        set_tags(cadre_a, cast.community_a, names)
    assert not any("t9999" in q["sql"] for q in queries.captured_queries)  # no 10,000-name IN list


def test_twenty_tags_are_fine(cast: Any, cadre_a: Cadre) -> None:
    set_tags(cadre_a, cast.community_a, [f"爱好{i}" for i in range(MAX_TAGS)])
    assert cadre_a.tags.count() == MAX_TAGS


def test_the_page_form_says_at_most_twenty(cast: Any, cadre_a: Cadre, client_for: Any) -> None:
    tags = "、".join(f"爱好{i}" for i in range(10_000))
    response = client_for(cast.community_a).post(
        reverse("cadres:edit", args=[cadre_a.pk]), form_data(cadre_a, tags_text=tags)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["tags_text"] == [TOO_MANY]
    assert not Tag.objects.exists()


def test_the_form_refuses_a_tag_over_thirty_characters(cast: Any, cadre_a: Cadre) -> None:
    form = CadreForm(
        form_data(cadre_a, tags_text="书法、" + "长" * 31), instance=cadre_a, user=cast.community_a
    )
    assert not form.is_valid()
    assert form.errors["tags_text"] == [TOO_LONG]


def test_the_api_says_at_most_twenty(cast: Any, cadre_a: Cadre) -> None:
    response = api_post(
        cast.community_a,
        "/cadres",
        {
            "name": "王秀英",
            "id_number": id_number(date(1941, 3, 9), seq=7, male=False),
            "category": "tuixiu",
            "community": "421102001001",
            "tags": [f"爱好{i}" for i in range(MAX_TAGS + 1)],
        },
    )
    assert response.status_code == 422, response.content
    assert {"loc": ["body", "tags"], "msg": TOO_MANY, "type": "value_error"} in response.json()["detail"]
    assert not Cadre.objects.filter(name="王秀英").exists()


def test_the_roster_import_says_at_most_twenty(cast: Any, tree: Any) -> None:
    from jiujin.lib.roster import RosterRow
    from jiujin.roster.parsing import RowParser

    raw = RosterRow(
        row_number=3, values={"name": "王秀英", "hobbies": "、".join(f"爱好{i}" for i in range(21))}
    )
    _row, errors = RowParser(tree.community_a, None).parse(raw)
    assert [(e.field, e.message) for e in errors if e.field == "hobbies"] == [("hobbies", TOO_MANY)]


# ---------------------------------------------------------------- the data migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_splits_a_global_tag_per_district_and_drops_orphans() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("cadres", "0004_tag_org_unit")])
    apps = executor.loader.project_state([("cadres", "0004_tag_org_unit")]).apps
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    Tag0 = apps.get_model("cadres", "Tag")
    Cadre0 = apps.get_model("cadres", "Cadre")

    def unit(code: str, level: str, parent: Any = None) -> Any:
        path = (parent.path if parent else "/") + code + "/"
        return OrgUnit.objects.create(code=code, name=code, level=level, parent=parent, path=path)

    city = unit("4211", "city")
    a = unit("421102001001", "community", unit("421102001", "street", unit("421102", "district", city)))
    z = unit("421181001001", "community", unit("421181001", "street", unit("421181", "district", city)))
    shared, orphan = Tag0.objects.create(name="书法"), Tag0.objects.create(name="无人用")
    fields = {"category": "tuixiu", "gender": "M", "birth_date": "1940-01-01"}
    in_a = Cadre0.objects.create(name="甲", id_number="A1", community=a, **fields)
    in_z = Cadre0.objects.create(name="乙", id_number="Z1", community=z, **fields)
    in_a.tags.add(shared)
    in_z.tags.add(shared)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("cadres", "0006_tag_unit_required")])
    apps = executor.loader.project_state([("cadres", "0006_tag_unit_required")]).apps
    Tag6, Cadre6 = apps.get_model("cadres", "Tag"), apps.get_model("cadres", "Cadre")

    assert not Tag6.objects.filter(pk=orphan.pk).exists()
    assert sorted(Tag6.objects.values_list("org_unit__code", "name")) == [
        ("421102", "书法"),
        ("421181", "书法"),
    ]
    assert [t.org_unit.code for t in Cadre6.objects.get(pk=in_a.pk).tags.all()] == ["421102"]
    assert [t.org_unit.code for t in Cadre6.objects.get(pk=in_z.pk).tags.all()] == ["421181"]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert importlib.import_module("jiujin.cadres.migrations.0005_tags_per_district")


# ---------------------------------------------------------------- the same ID number at the same moment


@pytest.fixture
def no_form_uniqueness_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests passed the form's check before either saved: what a race looks like."""
    monkeypatch.setattr(CadreForm, "_check_unique_id", lambda self, number: None)
    monkeypatch.setattr(CadreForm, "validate_unique", lambda self: None)


def test_the_service_turns_a_duplicate_id_number_into_a_field_error(
    cast: Any, tree: Any, cadre_a: Cadre
) -> None:
    twin = CadreFactory.build(community=tree.community_a, id_number=cadre_a.id_number)
    data = CadreData(
        name=twin.name,
        id_number=twin.id_number,
        gender=twin.gender,
        birth_date=twin.birth_date,
        category=twin.category,
        community=tree.community_a,
        tags=["书法"],
    )
    with pytest.raises(ValidationError) as caught:
        cadre_create(actor=Actor(user=cast.community_a), data=data)
    assert caught.value.message_dict == {"id_number": ["该身份证号已登记"]}
    assert Cadre.objects.filter(id_number=cadre_a.id_number).count() == 1
    assert not Tag.objects.exists()


def test_the_page_shows_a_duplicate_id_number_saved_meanwhile_as_a_field_error(
    cast: Any, tree: Any, cadre_a: Cadre, client_for: Any, no_form_uniqueness_check: None
) -> None:
    twin = CadreFactory.build(
        community=tree.community_a,
        id_number=cadre_a.id_number,
        birth_date=cadre_a.birth_date,
        gender=cadre_a.gender,
        name="王秀英",
    )
    response = client_for(cast.community_a).post(reverse("cadres:create"), form_data(twin, tags_text="书法"))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["该身份证号已登记"]
    assert "该身份证号已登记" in response.content.decode()
    assert not Cadre.objects.filter(name="王秀英").exists()


def test_the_api_answers_a_duplicate_id_number_saved_meanwhile_with_422(
    cast: Any, cadre_a: Cadre, no_form_uniqueness_check: None
) -> None:
    response = api_post(
        cast.community_a,
        "/cadres",
        {"name": "王秀英", "id_number": cadre_a.id_number, "category": "tuixiu", "community": "421102001001"},
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == [
        {"loc": ["body", "id_number"], "msg": "该身份证号已登记", "type": "value_error"}
    ]
