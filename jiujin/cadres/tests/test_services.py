"""The write services own the transaction, the family contacts and the audit snapshot; the forms write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.audit.services import Actor
from jiujin.cadres.forms import CadreForm
from jiujin.cadres.models import Cadre, FamilyContact, WorkUnit
from jiujin.cadres.selectors import cadre_history, completeness_summary_cached
from jiujin.cadres.services import CadreData, FamilyContactValues, cadre_create, cadre_update
from jiujin.cadres.tests.factories import CadreFactory, FamilyContactFactory
from jiujin.cadres.tests.test_views import form_data

pytestmark = pytest.mark.django_db


def _updates(queries: CaptureQueriesContext, table: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]


def test_the_form_validates_a_copy_and_writes_nothing(cast: Any, cadre_a: Cadre) -> None:
    form = CadreForm(
        form_data(cadre_a, name="张德明新", work_unit_name="黄冈市新单位"),
        instance=cadre_a,
        user=cast.community_a,
    )
    assert form.is_valid(), form.errors
    assert cadre_a.name == "张德明"  # the instance given stays as stored
    assert form.instance.name == "张德明新"
    assert not WorkUnit.objects.exists()
    data = form.cadre_data()
    assert (data["name"], data["work_unit_name"], data["tags"]) == ("张德明新", "黄冈市新单位", [])
    assert "tags" not in form.cadre_data(with_tags=False)


def test_an_update_writes_only_the_changed_columns_and_finds_the_work_unit(cast: Any, cadre_a: Cadre) -> None:
    with CaptureQueriesContext(connection) as queries:
        changes = cadre_update(
            actor=Actor(user=cast.community_a),
            cadre=cadre_a,
            data={"address": "黄州区新港路1号", "work_unit_name": " 黄冈市教育局 "},
        )
    unit = WorkUnit.objects.get()
    assert unit.name == "黄冈市教育局"
    assert set(changes) == {"address", "work_unit"}
    (sql,) = _updates(queries, "cadres_cadre")
    assert '"address"' in sql and '"work_unit_id"' in sql and '"name" =' not in sql
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes == changes
    assert event.changes["work_unit"] == [None, unit.pk]


def test_an_update_without_changes_writes_no_row_and_no_audit(cast: Any, cadre_a: Cadre) -> None:
    contact = FamilyContactFactory(cadre=cadre_a, name="张小红", relation="女儿", phone="13912345678")
    same = FamilyContactValues(name="张小红", relation="女儿", phone="13912345678", id=contact.pk)
    with CaptureQueriesContext(connection) as queries:
        changes = cadre_update(
            actor=Actor(user=cast.community_a), cadre=cadre_a, data={"name": "张德明"}, family=[same]
        )
    assert changes == {}
    assert not _updates(queries, "cadres_cadre") and not _updates(queries, "cadres_familycontact")
    assert not AuditEvent.objects.exists()


def test_family_lines_add_edit_and_delete_in_one_audited_update(cast: Any, cadre_a: Cadre) -> None:
    kept = FamilyContactFactory(cadre=cadre_a, name="张小红", relation="女儿", phone="13912345678")
    edited = FamilyContactFactory(cadre=cadre_a, name="张小明", relation="儿子", phone="")
    gone = FamilyContactFactory(cadre=cadre_a, name="李芳", relation="儿媳", phone="")
    family = [
        FamilyContactValues(name="张小红", relation="女儿", phone="13912345678", id=kept.pk),
        FamilyContactValues(
            name="张小明", relation="儿子", phone="13900002222", lives_with=True, id=edited.pk
        ),
        FamilyContactValues(id=gone.pk, delete=True),
        FamilyContactValues(name="张小华", relation="孙子"),
    ]
    with CaptureQueriesContext(connection) as queries:
        changes = cadre_update(actor=Actor(user=cast.community_a), cadre=cadre_a, data={}, family=family)

    (sql,) = _updates(queries, "cadres_familycontact")  # the unchanged line is not written
    assert '"phone"' in sql and '"lives_with"' in sql and '"name" =' not in sql
    assert list(cadre_a.family_contacts.values_list("name", flat=True)) == ["张小红", "张小明", "张小华"]
    assert changes == {
        "family": [
            ["张小红（女儿）13912345678", "张小明（儿子）", "李芳（儿媳）"],
            ["张小红（女儿）13912345678", "张小明（儿子）13900002222 同住", "张小华（孙子）"],
        ]
    }
    assert AuditEvent.objects.get(action=AuditAction.UPDATE).changes == changes


def test_a_family_line_of_another_cadre_is_refused_and_nothing_is_written(
    cast: Any, tree: Any, cadre_a: Cadre
) -> None:
    other = FamilyContactFactory(cadre=CadreFactory(community=tree.community_a), name="王五")
    with pytest.raises(ValidationError):
        cadre_update(
            actor=Actor(user=cast.community_a),
            cadre=cadre_a,
            data={"address": "黄州区新港路1号"},
            family=[FamilyContactValues(name="改", relation="改", id=other.pk)],
        )
    other.refresh_from_db()
    assert other.name == "王五"
    assert Cadre.objects.get(pk=cadre_a.pk).address != "黄州区新港路1号"
    assert not AuditEvent.objects.exists()


def test_only_editable_values_are_accepted(cast: Any, cadre_a: Cadre) -> None:
    with pytest.raises(TypeError):
        cadre_update(actor=Actor(user=cast.community_a), cadre=cadre_a, data={"status": "deceased"})  # type: ignore[typeddict-unknown-key]


def test_a_create_saves_the_cadre_its_tags_and_family_and_audits_the_values(cast: Any, tree: Any) -> None:
    template = CadreFactory.build(community=tree.community_a)
    data = CadreData(
        name="陈建国",
        id_number=template.id_number,
        gender=template.gender,
        birth_date=template.birth_date,
        category=template.category,
        community=tree.community_a,
        work_unit_name="黄冈市教育局",
        tags=["钓鱼"],
    )
    cadre = cadre_create(
        actor=Actor(user=cast.community_a),
        data=data,
        family=[FamilyContactValues(name="陈小华", relation="儿子")],
    )
    cadre = Cadre.objects.get(pk=cadre.pk)
    assert (cadre.name_initials, cadre.work_unit.name if cadre.work_unit else None) == ("cjg", "黄冈市教育局")
    assert [t.name for t in cadre.tags.all()] == ["钓鱼"]
    assert FamilyContact.objects.get(cadre=cadre).name == "陈小华"
    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert event.changes["name"] == [None, "陈建国"]
    assert event.changes["tags"] == [None, ["钓鱼"]]
    assert event.changes["family"] == [None, []]  # written after the create row, as the pages always did


def test_the_edit_page_deletes_a_family_contact_and_keeps_a_masked_phone(
    client_for: Any, cast: Any, cadre_a: Cadre
) -> None:
    kept = FamilyContactFactory(cadre=cadre_a, name="张小红", relation="女儿", phone="13912345678")
    gone = FamilyContactFactory(cadre=cadre_a, name="李芳", relation="儿媳", phone="")
    data = form_data(
        cadre_a,
        phone_mobile="",
        **{
            "family-TOTAL_FORMS": "3",
            "family-INITIAL_FORMS": "2",
            "family-0-id": kept.pk,
            "family-0-name": "张小红",
            "family-0-relation": "女儿",
            "family-0-phone": "",  # masked on the page: blank keeps it
            "family-1-id": gone.pk,
            "family-1-name": "李芳",
            "family-1-relation": "儿媳",
            "family-1-DELETE": "on",
        },
    )
    response = client_for(cast.street).post(reverse("cadres:edit", args=[cadre_a.pk]), data)  # sees masked
    assert response.status_code == 302
    assert list(cadre_a.family_contacts.values_list("name", "phone")) == [("张小红", "13912345678")]
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert set(event.changes) == {"family"}
    assert list(cadre_history(cadre_a)) == [event]


def test_the_completeness_summary_is_cached_per_scope(
    cast: Any, cadre_a: Cadre, django_assert_num_queries: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    first = completeness_summary_cached(cast.community_a)
    with django_assert_num_queries(1):  # the cache read only
        assert completeness_summary_cached(cast.community_a) == first
