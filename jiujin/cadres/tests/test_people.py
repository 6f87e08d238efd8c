"""Picking people by name (cadres.people): workers and volunteers found by name, pinyin, login or phone tail
within the caller's scope; a typed name resolves to one person or a Chinese error naming the candidates."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.urls import reverse

from jiujin.accounts.models import User
from jiujin.cadres.people import PersonField, people_search, person_resolve
from jiujin.volunteers.tests.helpers import make_volunteer

pytestmark = pytest.mark.django_db
BOTH = ("staff", "volunteer")


def named(user: User, name: str, phone: str = "") -> User:
    user.last_name, user.first_name, user.phone = name[0], name[1:], phone
    user.save(update_fields=["last_name", "first_name", "phone"])
    return user


@pytest.fixture
def people(tree: Any, cast: Any) -> dict[str, Any]:
    return {
        "worker": named(cast.community_a, "张丽", "13900001111"),
        "sibling": named(cast.community_b, "张立新", "13900002222"),
        "far": named(cast.community_z, "张丽", "13900003333"),  # same name, another district
        "volunteer": make_volunteer(tree.community_a, name="张丽", phone="13812345678"),
        "volunteer_z": make_volunteer(tree.community_z, name="张丽华"),
    }


def kinds_names(found: list[Any]) -> list[tuple[str, str]]:
    return [(p.kind, p.name) for p in found]


def test_it_finds_workers_and_volunteers_by_a_full_chinese_name_in_scope(cast: Any, people: Any) -> None:
    found = people_search(cast.street, "张丽", kinds=BOTH)
    assert {(p.kind, p.obj.pk) for p in found} == {
        ("staff", people["worker"].pk),
        ("volunteer", people["volunteer"].pk),
    }
    # Exact names first, then the longer names that start with it.
    assert kinds_names(people_search(cast.street, "张", kinds=BOTH))[-1] == ("staff", "张立新")


def test_it_finds_by_pinyin_initials_login_and_phone_tail(cast: Any, people: Any) -> None:
    assert ("staff", "张丽") in kinds_names(people_search(cast.street, "zl", kinds=BOTH))
    assert ("staff", "张立新") in kinds_names(people_search(cast.street, "zhangli", kinds=BOTH))
    assert kinds_names(people_search(cast.street, "worker-a", kinds=("staff",))) == [("staff", "张丽")]
    assert kinds_names(people_search(cast.street, "5678", kinds=BOTH)) == [("volunteer", "张丽")]


def test_it_suggests_nobody_outside_the_callers_scope(cast: Any, people: Any) -> None:
    found = people_search(cast.community_a, "张", kinds=BOTH)
    assert {p.obj.pk for p in found if p.kind == "staff"} == {people["worker"].pk}
    assert {p.name for p in found if p.kind == "volunteer"} == {"张丽"}  # not 张丽华 of community Z
    assert people_search(cast.community_z, "zl", kinds=BOTH)[0].where == "社区Z"


def test_it_masks_a_volunteers_phone_for_a_reader_without_view_sensitive(cast: Any, people: Any) -> None:
    assert cast.community_a.can("view_sensitive") and not cast.street.can("view_sensitive")
    full = {p.kind: p.phone for p in people_search(cast.community_a, "张丽", kinds=BOTH)}
    assert full == {"volunteer": "13812345678", "staff": "13900001111"}
    masked = {p.kind: p.phone for p in people_search(cast.street, "张丽", kinds=BOTH)}
    # A worker's phone is a work number (printed on contact cards); a volunteer's is personal.
    assert masked == {"volunteer": "138****5678", "staff": "13900001111"}


def test_it_resolves_a_typed_name_to_one_person_or_names_the_candidates(cast: Any, people: Any) -> None:
    assert person_resolve(cast.street, "张立新", kinds=BOTH).obj == people["sibling"]
    assert person_resolve(cast.street, "worker-a", kinds=BOTH).obj == people["worker"]
    with pytest.raises(forms.ValidationError) as ambiguous:
        person_resolve(cast.street, "张丽", kinds=BOTH, label="处理人")
    assert "有2位「张丽」" in ambiguous.value.messages[0] and "志愿者" in ambiguous.value.messages[0]
    with pytest.raises(forms.ValidationError) as nobody:
        person_resolve(cast.community_a, "张立新", kinds=BOTH, label="处理人")
    assert nobody.value.messages == ["没有找到处理人「张立新」：请输入姓名或拼音，从建议中选择"]


def test_it_takes_a_picked_token_and_refuses_one_out_of_scope(cast: Any, people: Any) -> None:
    class Form(forms.Form):
        who = PersonField(label="处理人", kinds=BOTH)

    def bound(data: dict[str, str]) -> Form:
        form = Form(data)
        form.fields["who"].scope(user=cast.community_a)  # type: ignore[attr-defined]
        return form

    picked = bound({"who": "张丽（志愿者）", "who_pick": f"volunteer:{people['volunteer'].pk}"})
    assert picked.is_valid() and picked.cleaned_data["who"].obj == people["volunteer"]
    stolen = bound({"who": "张丽（工作人员）", "who_pick": f"staff:{people['far'].pk}"})
    assert not stolen.is_valid()  # the token of another district's worker names nobody here
    # Typing after picking clears the token in the browser; a stale token with other text is not trusted.
    typed = bound({"who": "张立新", "who_pick": f"volunteer:{people['volunteer'].pk}"})
    assert not typed.is_valid()
    assert bound({"who": "", "who_pick": ""}).errors["who"] == ["这个字段是必填项。"]


def test_it_serves_suggestions_scoped_to_the_cadre(
    client_for: Any, cast: Any, cadre_a: Any, people: Any
) -> None:
    url = reverse("cadres:people")
    params = {"field": "assignee", "assignee": "张", "kinds": "staff,volunteer", "cadre": cadre_a.pk}
    html = client_for(cast.street).get(url, params).content.decode()
    assert f'data-pick="staff:{people["worker"].pk}"' in html
    assert f'data-pick="volunteer:{people["volunteer"].pk}"' in html
    assert f'data-pick="staff:{people["sibling"].pk}"' not in html  # cannot see 张德明
    assert client_for(cast.community_b).get(url, params).status_code == 404  # the cadre is out of scope
    assert (
        "没有找到「无此人」"
        in client_for(cast.street).get(url, params | {"assignee": "无此人"}).content.decode()
    )


def test_it_saves_a_cadres_contact_typed_by_name_and_refuses_a_worker_out_of_reach(
    client_for: Any, cast: Any, cadre_a: Any, people: Any
) -> None:
    from jiujin.cadres.tests.test_views import form_data

    client = client_for(cast.street)
    url = reverse("cadres:edit", args=[cadre_a.pk])
    refused = client.post(
        url, form_data(cadre_a) | {"responsible_worker": "张立新", "responsible_worker_pick": ""}
    )
    assert "张立新不在社区A或其上级单位，不能做联系人" in refused.content.decode()
    cadre_a.responsible_worker = None
    cadre_a.save(update_fields=["responsible_worker"])
    saved = client.post(
        url, form_data(cadre_a) | {"responsible_worker": "张丽", "responsible_worker_pick": ""}
    )
    assert saved.status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.responsible_worker == people["worker"]
    page = client.get(reverse("cadres:detail", args=[cadre_a.pk])).content.decode()
    assert "张丽" in page and 'href="tel:13900001111"' in page
    edit = client.get(url).content.decode()
    assert 'value="张丽（工作人员）"' in edit and f'value="staff:{people["worker"].pk}"' in edit
