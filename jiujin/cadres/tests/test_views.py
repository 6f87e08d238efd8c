"""The cadre registry pages: list/search/filters, detail, create/edit, status change, scoping, masking."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.models import Cadre, CadreStatus, Category, HealthStatus, LivingArrangement, Rank
from jiujin.cadres.tests.factories import CadreFactory, FamilyContactFactory
from jiujin.lib.idcard import mask_id_number
from jiujin.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


LIST = reverse("cadres:list")
COMPLETENESS = reverse("cadres:completeness")
TODAY = date(2025, 6, 1)


def detail_url(cadre: Cadre) -> str:
    return reverse("cadres:detail", args=[cadre.pk])


def listed(response: Any) -> list[str]:
    return [c.name for c in response.context["page"].object_list]


def form_data(cadre: Cadre, **overrides: Any) -> dict[str, Any]:
    """A valid edit-form POST for `cadre`, with no family contact rows."""
    data = {
        "name": cadre.name,
        "id_number": cadre.id_number,
        "gender": cadre.gender,
        "birth_date": cadre.birth_date.isoformat(),
        "ethnicity": cadre.ethnicity,
        "is_party_member": "on" if cadre.is_party_member else "",
        "party_branch": "",
        "category": cadre.category,
        "rank": cadre.rank,
        "work_unit_name": cadre.work_unit.name if cadre.work_unit else "",
        "retirement_date": "",
        "community": cadre.community_id,
        # The 联系人 picker posts what the box shows and the picked person's token.
        "responsible_worker": "",
        "responsible_worker_pick": f"staff:{cadre.responsible_worker_id}"
        if cadre.responsible_worker_id
        else "",
        "address": cadre.address,
        "phone_mobile": cadre.phone_mobile,
        "phone_landline": "",
        "living_arrangement": cadre.living_arrangement,
        "health_status": cadre.health_status,
        "preferred_hospital": "",
        "tags_text": "、".join(t.name for t in cadre.tags.all()) if cadre.pk else "",
        "specialties": "",
        "habits": "",
        "birthday_calendar": "solar",
        "lunar_month": "",
        "lunar_day": "",
        "family-TOTAL_FORMS": "0",
        "family-INITIAL_FORMS": "0",
        "family-MIN_NUM_FORMS": "0",
        "family-MAX_NUM_FORMS": "10",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- list and search


@pytest.fixture
def other_cadre(tree: Any) -> Cadre:
    """A second cadre of community A that no search for 张德明 may return."""
    return CadreFactory(name="李国平", community=tree.community_a, phone_mobile="13900000001")


@pytest.mark.parametrize(
    "query",
    ["zdm", "ZDM", "zhangdeming", "zhang", "张德明", "德明", "4567", "13871234567", "1387123"],
)
def test_it_finds_a_cadre_by_name_pinyin_initials_and_phone(
    client_for: Any, cast: Any, cadre_a: Cadre, other_cadre: Cadre, query: str
) -> None:
    response = client_for(cast.community_a).get(LIST, {"q": query})
    assert listed(response) == ["张德明"]


def test_it_finds_a_cadre_by_id_number_tail(
    client_for: Any, cast: Any, cadre_a: Cadre, other_cadre: Cadre
) -> None:
    response = client_for(cast.community_a).get(LIST, {"q": cadre_a.id_number[-6:]})
    assert listed(response) == ["张德明"]


def test_it_lists_everything_in_scope_without_a_query(
    client_for: Any, cast: Any, cadre_a: Cadre, other_cadre: Cadre
) -> None:
    response = client_for(cast.community_a).get(LIST)
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(["张德明", "李国平"])
    assert "共 <strong>2</strong> 人" in response.content.decode()


def test_it_answers_live_search_with_the_results_partial_only(
    client_for: Any, cast: Any, cadre_a: Cadre, other_cadre: Cadre
) -> None:
    response = client_for(cast.community_a).get(LIST, {"q": "zdm"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "张德明" in html and "李国平" not in html
    assert "HX-Request" in response["Vary"]


def test_the_search_box_is_wired_for_live_search(client_for: Any, cast: Any) -> None:
    html = client_for(cast.community_a).get(LIST).content.decode()
    assert 'hx-get="/cadres/"' in html
    assert 'hx-target="#results"' in html
    assert 'hx-push-url="true"' in html
    assert "delay:" in html


# Each filter: (query params, attributes of the cadre it must find; the other cadre keeps factory defaults).
FILTERS = [
    ({"category": Category.LIXIU}, {"category": Category.LIXIU}),
    ({"rank": Rank.TING}, {"rank": Rank.TING}),
    ({"living": LivingArrangement.ALONE}, {"living_arrangement": LivingArrangement.ALONE}),
    ({"health": HealthStatus.POOR}, {"health_status": HealthStatus.POOR}),
    ({"age": "80-89"}, {"birth_date": date(1940, 1, 1)}),
    ({"status": CadreStatus.MOVED_OUT}, {"status": CadreStatus.MOVED_OUT}),
]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(("params", "attrs"), FILTERS)
def test_it_filters_the_list(client_for: Any, cast: Any, tree: Any, params: dict, attrs: dict) -> None:
    CadreFactory(name="王目标", community=tree.community_a, **attrs)
    CadreFactory(name="李其他", community=tree.community_a, birth_date=date(1960, 3, 3))
    response = client_for(cast.community_a).get(LIST, params)
    assert listed(response) == ["王目标"]


def test_it_filters_by_unit(client_for: Any, cast: Any, tree: Any, cadre_a: Cadre) -> None:
    CadreFactory(name="王社区乙", community=tree.community_b)
    response = client_for(cast.street).get(LIST, {"unit": tree.community_b.code})
    assert listed(response) == ["王社区乙"]


def test_it_filters_by_tag(client_for: Any, cast: Any, cadre_a: Cadre, other_cadre: Cadre) -> None:
    cadre_a.tags.create(name="书法", org_unit=cadre_a.community.parent.parent)
    response = client_for(cast.community_a).get(LIST, {"tag": "书法"})
    assert listed(response) == ["张德明"]


def test_it_hides_moved_out_and_deceased_cadres_unless_asked(
    client_for: Any, cast: Any, tree: Any, cadre_a: Cadre
) -> None:
    CadreFactory(name="王已故", community=tree.community_a, status=CadreStatus.DECEASED)
    client = client_for(cast.community_a)
    assert listed(client.get(LIST)) == ["张德明"]
    assert sorted(listed(client.get(LIST, {"status": "all"}))) == ["张德明", "王已故"]


def test_it_pages_thirty_at_a_time(client_for: Any, cast: Any, tree: Any) -> None:
    CadreFactory.create_batch(31, community=tree.community_a)
    client = client_for(cast.community_a)
    first = client.get(LIST)
    assert len(listed(first)) == 30
    assert "共 <strong>31</strong> 人" in first.content.decode()
    assert "page=2" in first.content.decode()
    assert len(listed(client.get(LIST, {"page": 2}))) == 1


def test_it_keeps_the_query_in_page_links(client_for: Any, cast: Any, tree: Any) -> None:
    CadreFactory.create_batch(31, community=tree.community_a, category=Category.LIXIU)
    html = client_for(cast.community_a).get(LIST, {"category": "lixiu"}).content.decode()
    assert "?category=lixiu&amp;page=2" in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_uses_a_constant_number_of_queries(
    client_for: Any, cast: Any, tree: Any, django_assert_max_num_queries: Any, rows: int
) -> None:
    for cadre in CadreFactory.create_batch(
        rows, community=tree.community_a, responsible_worker=cast.community_a
    ):
        FamilyContactFactory(cadre=cadre)
        cadre.tags.add(*_tags("书法", "象棋"))
    client = client_for(cast.community_a)
    # The keyed pager reads the page's keys, then its rows: one query more, none per row.
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(listed(response)) == rows


def _tags(*names: str) -> list[Any]:
    from jiujin.cadres.models import Tag

    district = OrgUnit.objects.get(code="421102")  # tags are per district (cadres.tags)
    return [Tag.objects.get_or_create(name=n, org_unit=district)[0] for n in names]


def test_it_summarises_the_four_must_knows_per_community(
    client_for: Any, cast: Any, tree: Any, cadre_a: Cadre
) -> None:
    cadre_a.habits = "早睡早起"
    cadre_a.save(update_fields=["habits"])
    CadreFactory(community=tree.community_a, address="")
    CadreFactory(community=tree.community_b)
    summary = client_for(cast.street).get(COMPLETENESS).context["summary"]
    rows = {row["community"].name: row for row in summary}
    assert rows["社区A"]["total"] == 2
    assert [n for _label, n in rows["社区A"]["known"]] == [1, 0, 0, 1]
    assert rows["社区B"]["total"] == 1
    assert "社区Z" not in rows


def test_the_summary_covers_only_the_users_own_community(
    client_for: Any, cast: Any, tree: Any, cadre_a: Cadre
) -> None:
    summary = client_for(cast.community_a).get(COMPLETENESS).context["summary"]
    assert [row["community"].name for row in summary] == ["社区A"]


def test_it_loads_the_summary_after_the_list(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    page = client_for(cast.community_a).get(LIST).content.decode()
    assert f'hx-get="{COMPLETENESS}"' in page


# ---------------------------------------------------------------- masking and role-dependent links


def test_it_masks_id_numbers_in_the_list_even_for_community_workers(
    client_for: Any, cast: Any, cadre_a: Cadre
) -> None:
    html = client_for(cast.community_a).get(LIST).content.decode()
    assert cadre_a.id_number not in html
    assert mask_id_number(cadre_a.id_number) in html
    assert "13871234567" in html  # community workers may see phones


@pytest.mark.parametrize("who", ["street", "district", "city"])
def test_it_masks_phones_for_roles_without_view_sensitive(
    client_for: Any, cast: Any, cadre_a: Cadre, who: str
) -> None:
    client = client_for(getattr(cast, who))
    for url in (LIST, detail_url(cadre_a)):
        html = client.get(url).content.decode()
        assert "13871234567" not in html
        assert "138****4567" in html
        assert cadre_a.id_number not in html


def test_the_detail_shows_the_full_id_number_to_community_workers(
    client_for: Any, cast: Any, cadre_a: Cadre
) -> None:
    html = client_for(cast.community_a).get(detail_url(cadre_a)).content.decode()
    assert cadre_a.id_number in html
    assert "13871234567" in html


def test_it_shows_the_create_link_only_to_managers(client_for: Any, cast: Any) -> None:
    assert "新增老干部" in client_for(cast.community_a).get(LIST).content.decode()
    assert "新增老干部" not in client_for(cast.city).get(LIST).content.decode()


def test_it_links_the_export_with_the_same_query(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    export = reverse("roster:export")
    html = client_for(cast.community_a).get(LIST, {"q": "zdm"}).content.decode()
    assert f'href="{export}?q=zdm"' in html
    assert "导出台账" not in client_for(cast.volunteer).get(LIST).content.decode()


# ---------------------------------------------------------------- scoping


def test_outsiders_see_no_rows(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    for user in [cast.community_b, cast.community_z]:
        response = client_for(user).get(LIST, {"status": "all"})
        assert listed(response) == []
        assert "张德明" not in response.content.decode()


def test_a_volunteer_is_sent_to_their_own_narrower_pages(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    client = client_for(cast.volunteer)
    assert client.get(LIST).url == reverse("volunteers:me")
    assert "张德明" not in client.get(LIST, follow=True).content.decode()


@pytest.mark.parametrize("page", ["detail", "edit", "status"])
def test_outsiders_get_404_on_a_cadre_of_another_community(
    client_for: Any, cast: Any, cadre_a: Cadre, page: str
) -> None:
    url = reverse(f"cadres:{page}", args=[cadre_a.pk])
    for user in cast.outsiders():
        client = client_for(user)
        assert (
            client.get(url, follow=True).status_code == 404
        )  # a volunteer is redirected to their view first
        assert client.post(url, {}, follow=True).status_code in {404, 405}


def test_a_missing_cadre_is_404(client_for: Any, cast: Any) -> None:
    assert client_for(cast.admin).get(reverse("cadres:detail", args=[999999])).status_code == 404


def test_the_list_requires_login(client: Any) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_there_is_no_delete_page(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    response = client_for(cast.admin).post(f"/cadres/{cadre_a.pk}/delete/")
    assert response.status_code == 404
    assert Cadre.objects.filter(pk=cadre_a.pk).exists()


# ---------------------------------------------------------------- detail


@pytest.mark.parametrize("who", ["admin", "city", "district", "street", "community_a"])
def test_everyone_in_the_chain_of_command_sees_the_detail(
    client_for: Any, cast: Any, cadre_a: Cadre, who: str
) -> None:
    response = client_for(getattr(cast, who)).get(detail_url(cadre_a))
    assert response.status_code == 200
    html = response.content.decode()
    for section in ("① 住址和联系方式", "② 家庭和健康", "③ 爱好特长", "④ 生活习惯"):
        assert section in html


def test_every_detail_view_is_audited(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    client = client_for(cast.street)
    client.get(detail_url(cadre_a))
    client.get(detail_url(cadre_a))
    events = AuditEvent.objects.filter(cadre_id=cadre_a.pk, action=AuditAction.VIEW)
    assert events.count() == 2
    assert {(e.user, e.detail) for e in events} == {(cast.street, "查看详情")}


@time_machine.travel(TODAY, tick=False)
def test_the_detail_shows_age_birthdays_and_unknown_must_knows(client_for: Any, cast: Any, tree: Any) -> None:
    cadre = CadreFactory(
        name="王农历",
        community=tree.community_a,
        birth_date=date(1940, 8, 8),
        birthday_calendar="lunar",
        lunar_month=7,
        lunar_day=15,
        habits="",
    )
    html = client_for(cast.community_a).get(detail_url(cadre)).content.decode()
    assert "84岁" in html
    assert "1940年8月8日" in html
    assert cadre.lunar_birthday_display in html
    assert "尚未掌握" in html and "生活习惯和规律" in html


def test_the_detail_shows_family_work_unit_and_history(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    from jiujin.cadres.models import WorkUnit

    cadre_a.work_unit = WorkUnit.objects.create(
        name="黄冈市财政局", contact_person="刘科长", contact_phone="0713-8888888"
    )
    cadre_a.save(update_fields=["work_unit"])
    FamilyContactFactory(cadre=cadre_a, name="张小明", relation="儿子")
    cadre_a.tags.add(*_tags("书法"))
    client = client_for(cast.community_a)
    client.post(reverse("cadres:edit", args=[cadre_a.pk]), form_data(cadre_a, habits="早睡"))
    html = client.get(detail_url(cadre_a)).content.decode()
    for text in (
        "黄冈市财政局",
        "刘科长",
        "张小明（儿子）",
        "书法",
        "早睡",
        "修改",
        cast.community_a.display_name,
    ):
        assert text in html


def test_the_detail_uses_a_constant_number_of_queries(
    client_for: Any, cast: Any, cadre_a: Cadre, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        FamilyContactFactory(cadre=cadre_a, name=f"家属{n}")
    cadre_a.tags.add(*_tags("书法", "象棋", "太极拳"))
    client = client_for(cast.community_a)
    # The page's own 10, then a few per registered panel (慢性病, 一助一, 意见建议, 发挥作用, 党支部, 学习活动,
    # 风险关爱): fixed, whatever the cadre's history holds.
    with django_assert_max_num_queries(23):
        assert client.get(detail_url(cadre_a)).status_code == 200


# ---------------------------------------------------------------- create and edit


@pytest.mark.parametrize("who", ["admin", "district", "street", "community_a"])
def test_managers_in_scope_can_edit(client_for: Any, cast: Any, cadre_a: Cadre, who: str) -> None:
    client = client_for(getattr(cast, who))
    url = reverse("cadres:edit", args=[cadre_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(cadre_a, address="黄州区新港路1号"))
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.address == "黄州区新港路1号"


@pytest.mark.parametrize("page", ["edit", "status"])
def test_a_city_user_cannot_edit(client_for: Any, cast: Any, cadre_a: Cadre, page: str) -> None:
    client = client_for(cast.city)
    url = reverse(f"cadres:{page}", args=[cadre_a.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(cadre_a, address="改不了")).status_code == 403
    cadre_a.refresh_from_db()
    assert cadre_a.address != "改不了"


def test_a_city_user_cannot_create(client_for: Any, cast: Any) -> None:
    assert client_for(cast.city).get(reverse("cadres:create")).status_code == 403


def test_an_edit_writes_an_audit_row_with_before_and_after(
    client_for: Any, cast: Any, cadre_a: Cadre
) -> None:
    old_address = cadre_a.address
    client = client_for(cast.community_a)
    client.post(
        reverse("cadres:edit", args=[cadre_a.pk]),
        form_data(cadre_a, address="黄州区新港路1号", tags_text="书法、象棋"),
    )
    event = AuditEvent.objects.get(cadre_id=cadre_a.pk, action=AuditAction.UPDATE)
    assert event.user == cast.community_a
    assert event.changes["address"] == [old_address, "黄州区新港路1号"]
    assert event.changes["tags"] == [[], ["书法", "象棋"]]
    assert set(event.changes) == {"address", "tags"}


def test_an_edit_saves_family_contacts(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    data = form_data(
        cadre_a,
        **{
            "family-TOTAL_FORMS": "1",
            "family-0-name": "张小红",
            "family-0-relation": "女儿",
            "family-0-phone": "13912345678",
            "family-0-lives_with": "on",
        },
    )
    response = client_for(cast.community_a).post(reverse("cadres:edit", args=[cadre_a.pk]), data)
    assert response.status_code == 302
    contact = cadre_a.family_contacts.get()
    assert (contact.name, contact.relation, contact.lives_with) == ("张小红", "女儿", True)


def test_a_bad_phone_is_shown_under_the_field(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    response = client_for(cast.community_a).post(
        reverse("cadres:edit", args=[cadre_a.pk]), form_data(cadre_a, phone_mobile="1234")
    )
    assert response.status_code == 200
    assert "手机号应为11位" in response.content.decode()
    assert response.context["form"].errors["phone_mobile"]
    cadre_a.refresh_from_db()
    assert cadre_a.phone_mobile == "13871234567"
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_a_birth_date_contradicting_the_id_number_is_an_error(
    client_for: Any, cast: Any, cadre_a: Cadre
) -> None:
    response = client_for(cast.community_a).post(
        reverse("cadres:edit", args=[cadre_a.pk]), form_data(cadre_a, birth_date="1950-01-01")
    )
    html = response.content.decode()
    assert "与身份证号不符" in html
    assert 'class="field has-error"' in html
    assert response.context["form"].errors["birth_date"]


def test_a_family_contact_error_is_shown_too(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    data = form_data(
        cadre_a,
        **{
            "family-TOTAL_FORMS": "1",
            "family-0-name": "张小红",
            "family-0-relation": "女儿",
            "family-0-phone": "12",
        },
    )
    response = client_for(cast.community_a).post(reverse("cadres:edit", args=[cadre_a.pk]), data)
    assert response.status_code == 200
    assert "请更正" in response.content.decode()
    assert not cadre_a.family_contacts.exists()


def test_it_ticks_nothing_about_party_membership_on_a_new_cadre(client_for: Any, cast: Any) -> None:
    html = client_for(cast.community_a).get(reverse("cadres:create")).content.decode()
    box = re.search(r'<input type="checkbox" name="is_party_member"[^>]*>', html)
    assert box is not None and "checked" not in box.group(0)
    assert (
        client_for(cast.community_a)
        .get(reverse("cadres:create"))
        .context["form"]
        .initial.get("responsible_worker")
        == cast.community_a.pk
    )  # the worker entering a cadre of their community is its 联系人 until changed


def test_a_community_worker_creates_a_cadre(client_for: Any, cast: Any, tree: Any) -> None:
    template = CadreFactory.build(community=tree.community_a, name="陈建国")
    client = client_for(cast.community_a)
    assert client.get(reverse("cadres:create")).context["form"].initial["community"] == tree.community_a.pk
    data = form_data(
        template,
        work_unit_name="黄冈市教育局",
        tags_text="钓鱼",
        **{"family-TOTAL_FORMS": "1", "family-0-name": "陈小华", "family-0-relation": "儿子"},
    )
    response = client.post(reverse("cadres:create"), data)
    cadre = Cadre.objects.get(name="陈建国")
    assert response["Location"] == detail_url(cadre)
    assert cadre.name_initials == "cjg"
    assert cadre.work_unit.name == "黄冈市教育局"
    assert [t.name for t in cadre.tags.all()] == ["钓鱼"]
    assert cadre.family_contacts.get().name == "陈小华"
    assert AuditEvent.objects.filter(
        cadre_id=cadre.pk, action=AuditAction.CREATE, user=cast.community_a
    ).exists()


def test_nobody_creates_a_cadre_outside_their_scope(client_for: Any, cast: Any, tree: Any) -> None:
    template = CadreFactory.build(community=tree.community_a, name="陈建国")
    response = client_for(cast.community_b).post(reverse("cadres:create"), form_data(template))
    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not Cadre.objects.filter(name="陈建国").exists()


# ---------------------------------------------------------------- status


def test_a_status_change_is_recorded(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    response = client_for(cast.community_a).post(
        reverse("cadres:status", args=[cadre_a.pk]),
        {"status": CadreStatus.DECEASED, "date": "2025-05-20", "reason": "病故"},
    )
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert (cadre_a.status, cadre_a.status_date, cadre_a.status_reason) == (
        "deceased",
        date(2025, 5, 20),
        "病故",
    )
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, action=AuditAction.STATUS).exists()


def test_a_status_change_needs_a_reason(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    response = client_for(cast.community_a).post(
        reverse("cadres:status", args=[cadre_a.pk]), {"status": CadreStatus.MOVED_OUT, "date": "2025-05-20"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    cadre_a.refresh_from_db()
    assert cadre_a.status == CadreStatus.ACTIVE


# ---------------------------------------------------------------- headers


def test_pages_carry_the_security_headers(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    response = client_for(cast.community_a).get(detail_url(cadre_a))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_edit_page_lays_out_every_form_field_once() -> None:
    from jiujin.cadres.forms import CadreForm
    from jiujin.cadres.views import FORM_SECTIONS

    laid_out = [name for _title, names in FORM_SECTIONS for name in names]
    assert sorted(laid_out) == sorted(CadreForm.base_fields)


def test_it_names_a_change_in_the_history_as_its_subject_calls_it() -> None:
    from types import SimpleNamespace

    from jiujin.cadres.templatetags.cadre_tags import field_labels

    health = SimpleNamespace(subject_type="health.healthprofile", changes={"blood_type": [], "notes": []})
    cadre = SimpleNamespace(subject_type="", changes={"habits": []})
    assert field_labels(health) == "血型、备注"
    assert field_labels(cadre) == "生活习惯和规律"
