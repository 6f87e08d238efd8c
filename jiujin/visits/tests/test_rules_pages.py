"""The visit rules page: effective rules with their source, overriding and switching off below, settings."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from jiujin.visits.models import HolidayRule, VisitSettings
from jiujin.visits.rules import effective_rules

from .helpers import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):  # 2026-09-23
        yield


def rule(unit: Any, code: str = "spring_festival", **fields: Any) -> HolidayRule:
    values = {"name": "春节", "calendar": "lunar", "month": 1, "day": 1, "window_days": 15} | fields
    return HolidayRule.objects.create(org_unit=unit, code=code, **values)


def rule_data(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "spring_festival",
        "name": "春节",
        "calendar": "lunar",
        "month": "1",
        "day": "1",
        "audience": "all",
        "min_age": "",
        "window_days": "30",
        "priority": "2",
        "enabled": "on",
    } | overrides


def page(client: Any, unit: Any = None) -> str:
    url = "/visits/rules/" + (f"?unit={unit.code}" if unit else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_defaults_then_inherited_and_own_rules_with_next_due(
    tree: Any, cast: Any, client_for: Any
) -> None:
    client = client_for(cast.street)
    html = page(client)
    assert "系统默认" in html and "春节" in html and "重阳" in html
    # 春节 2027 is 2027-02-06, 农历正月初一; 重阳 2026 is 2026-10-18.
    assert "2027年2月6日" in html and "农历正月初一" in html
    assert "2026年10月18日" in html

    rule(tree.district)
    rule(tree.street, code="mid_autumn", name="中秋", month=8, day=15)
    html = page(client)
    assert "继承自 黄州区" in html
    assert "本单位设置" in html and "中秋" in html
    assert "2026年9月25日" in html  # 中秋 2026, still ahead on 9-23


def test_it_lets_a_street_override_the_district_window_and_its_communities_see_it(
    tree: Any, cast: Any, client_for: Any
) -> None:
    rule(tree.district, window_days=15)
    client = client_for(cast.street)
    response = client.post(f"/visits/rules/new/?unit={tree.street.code}", rule_data(window_days="30"))
    assert response.status_code == 302
    assert HolidayRule.objects.get(org_unit=tree.street).window_days == 30

    spring = {s.code: s for s in effective_rules(tree.community_a).holidays}["spring_festival"]
    assert (spring.window_days, spring.unit_id) == (30, tree.street.pk)
    html = page(client_for(cast.community_a))
    assert "继承自 东湖街道" in html and "30 天" in html
    # The other district still has the defaults.
    assert {
        s.window_days for s in effective_rules(tree.community_z).holidays if s.code == "spring_festival"
    } == {15}


def test_it_prefills_an_override_from_the_rule_in_effect(tree: Any, cast: Any, client_for: Any) -> None:
    rule(tree.district, window_days=21)
    html = client_for(cast.street).get("/visits/rules/new/?code=spring_festival").content.decode()
    assert 'value="21"' in html and 'value="spring_festival"' in html


def test_it_switches_a_holiday_off_below_and_deleting_restores_the_inherited_rule(
    tree: Any, cast: Any, client_for: Any
) -> None:
    rule(tree.district)
    client = client_for(cast.street)
    data = rule_data()
    del data["enabled"]  # an unchecked box
    assert client.post("/visits/rules/new/", data).status_code == 302
    assert "spring_festival" not in {s.code for s in effective_rules(tree.community_a).holidays}
    assert "已停用" in page(client)  # still listed here, to be switched on again

    own = HolidayRule.objects.get(org_unit=tree.street)
    assert client.post(f"/visits/rules/{own.pk}/delete/").status_code == 302
    assert not HolidayRule.objects.filter(org_unit=tree.street).exists()
    assert "spring_festival" in {s.code for s in effective_rules(tree.community_a).holidays}


def test_it_edits_an_own_rule(tree: Any, cast: Any, client_for: Any) -> None:
    own = rule(tree.street)
    client = client_for(cast.street)
    response = client.post(f"/visits/rules/{own.pk}/", rule_data(code="ignored", window_days="20"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.code, own.window_days) == ("spring_festival", 20)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"calendar": "lunar", "month": "13"}, "day", "农历月份应为 1–12"),
        ({"calendar": "lunar", "day": "31"}, "day", "农历月份应为 1–12"),
        ({"calendar": "solar", "month": "2", "day": "30"}, "day", "公历没有 2 月 30 日"),
        ({"calendar": "solar", "month": "4", "day": "31"}, "day", "公历没有 4 月 31 日"),
        ({"audience": "aged", "min_age": ""}, "min_age", "请填写年龄下限"),
        ({"code": "春 节"}, "code", "代码只能包含"),
    ],
)
def test_it_rejects_impossible_rules_with_chinese_errors(
    overrides: dict[str, str], field: str, message: str, tree: Any, cast: Any, client_for: Any
) -> None:
    response = client_for(cast.street).post("/visits/rules/new/", rule_data(**overrides))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert not HolidayRule.objects.exists()


def test_it_accepts_lunar_day_30_and_feb_29(tree: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.street)
    assert client.post("/visits/rules/new/", rule_data(code="chuxi", month="12", day="30")).status_code == 302
    leap = rule_data(code="leap", calendar="solar", month="2", day="29")
    assert client.post("/visits/rules/new/", leap).status_code == 302


def test_it_rejects_a_second_rule_with_the_same_code_at_the_unit(
    tree: Any, cast: Any, client_for: Any
) -> None:
    rule(tree.street)
    response = client_for(cast.street).post("/visits/rules/new/", rule_data())
    assert "本单位已有该代码的规则" in response.context["form"].errors["code"][0]


def test_it_scopes_units_and_rules(tree: Any, cast: Any, client_for: Any) -> None:
    own_a = rule(tree.community_a)
    client = client_for(cast.community_b)
    assert client.get(f"/visits/rules/?unit={tree.community_a.code}").status_code == 404
    assert client.post(f"/visits/rules/new/?unit={tree.community_a.code}", rule_data()).status_code == 404
    assert client.post(f"/visits/rules/{own_a.pk}/", rule_data()).status_code == 404
    assert client.post(f"/visits/rules/{own_a.pk}/delete/").status_code == 404
    assert client_for(cast.community_z).get(f"/visits/rules/?unit={tree.district.code}").status_code == 404
    assert HolidayRule.objects.filter(pk=own_a.pk, window_days=15).exists()


def test_it_is_read_only_without_manage_cadres_or_for_another_unit(
    tree: Any, cast: Any, client_for: Any
) -> None:
    own_street = rule(tree.street)
    city = client_for(cast.city)
    html = page(city, tree.street)
    assert "只读" in html and "新增节日规则" not in html
    assert city.post(f"/visits/rules/new/?unit={tree.city.code}", rule_data()).status_code == 403
    assert city.post(f"/visits/rules/{own_street.pk}/delete/").status_code == 403
    assert city.post("/visits/rules/settings/", {}).status_code == 403
    # A district worker sees a street's rules but edits only the district's own.
    district = client_for(cast.district)
    assert "只读" in page(district, tree.street)
    assert district.post(f"/visits/rules/{own_street.pk}/", rule_data()).status_code == 403
    assert client_for(cast.volunteer).get("/visits/rules/").status_code == 404
    assert HolidayRule.objects.filter(pk=own_street.pk).exists()


def test_it_lets_an_admin_edit_a_chosen_unit(tree: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.admin)
    assert "黄冈市" in page(client)
    assert client.post(f"/visits/rules/new/?unit={tree.street.code}", rule_data()).status_code == 302
    assert HolidayRule.objects.get().org_unit == tree.street


def settings_data(**overrides: Any) -> dict[str, Any]:
    return {
        "milestones": "80，90、100",
        "every_year_after": "100",
        "nominal_age": "on",
        "milestone_gift": "寿桃",
        "birthday_window_days": "10",
        "hospital_days": "2",
        "family_event_days": "3",
        "special_days": "2",
        "condolence_days": "1",
    } | overrides


def test_it_edits_visit_settings_starting_from_the_inherited_ones(
    tree: Any, cast: Any, client_for: Any
) -> None:
    VisitSettings.objects.create(org_unit=tree.district, birthday_window_days=9)
    client = client_for(cast.street)
    form_html = client.get("/visits/rules/settings/").content.decode()
    assert 'value="9"' in form_html
    assert client.post("/visits/rules/settings/", settings_data()).status_code == 302
    own = VisitSettings.objects.get(org_unit=tree.street)
    assert (own.milestones, own.nominal_age, own.birthday_window_days) == ("80,90,100", True, 10)
    assert effective_rules(tree.community_a).settings.pk == own.pk
    assert VisitSettings.objects.get(org_unit=tree.district).birthday_window_days == 9
    html = page(client_for(cast.community_a))
    assert "继承自 东湖街道" in html and "80、90、100" in html and "虚岁" in html

    client = client_for(cast.street)  # the test client is shared: log the street back in
    assert client.post("/visits/rules/settings/", settings_data(milestone_gift="鲜花")).status_code == 302
    assert VisitSettings.objects.get(org_unit=tree.street).milestone_gift == "鲜花"


@pytest.mark.parametrize("milestones", ["80,abc", "0,80", "80,151", " , "])
def test_it_rejects_bad_milestones(milestones: str, tree: Any, cast: Any, client_for: Any) -> None:
    response = client_for(cast.street).post("/visits/rules/settings/", settings_data(milestones=milestones))
    assert response.status_code == 200
    assert "祝寿年龄" in response.context["form"].errors["milestones"][0]
    assert not VisitSettings.objects.exists()


def test_it_shows_the_rules_link_to_staff_but_not_volunteers(cast: Any, client_for: Any) -> None:
    assert 'href="/visits/rules/"' in client_for(cast.community_a).get("/visits/").content.decode()
    assert "走访规则" not in client_for(cast.volunteer).get("/volunteers/me/").content.decode()


def test_it_shows_chinese_labels_not_rule_codes(tree: Any, cast: Any, client_for: Any) -> None:
    rule(tree.street, name="春节慰问", priority=3)  # code spring_festival, renamed by the street
    rule(tree.street, code="double_ninth", name="重阳", month=9, day=9)
    html = page(client_for(cast.street), tree.street)
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "spring_festival" not in table and "double_ninth" not in table
    assert "春节慰问" in table and "（春节）" in table and "重阳" in table and "（重阳）" not in table
    assert ">重要<" in table and ">普通<" in table  # the priority, not 3 and 2
    form = client_for(cast.street).get("/visits/rules/new/").content.decode()
    assert "spring_festival（春节）" in form and '<option value="3">重要</option>' in form
