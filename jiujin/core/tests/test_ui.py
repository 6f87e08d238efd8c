"""The shared page furniture: choice chips (includes/field.html), the phone menu, tap-to-call links that respect
the masking, the address on visit cards, confirmations announced as a status, and filters kept in the URL."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from jiujin.cadres.templatetags.cadre_tags import tel, tel_for
from jiujin.core.registry import menu_for
from jiujin.lib.phones import mask_phone, tel_uri
from jiujin.servicerequests.models import ServiceCategory, Urgency
from jiujin.visits.tests.helpers import NOW, TODAY, make_task

pytestmark = pytest.mark.django_db
MOBILE = "13871234567"  # cadre_a's


def chip(name: str, value: str, text: str) -> re.Pattern[str]:
    """A chip: one <label> holding the input of that value and then its text."""
    return re.compile(
        rf'<label class="choice" for="id_{name}_\d+"><input type="(?:radio|checkbox)" name="{name}" '
        rf'value="{re.escape(value)}"[^>]*><span class="choice-text">{re.escape(text)}</span></label>'
    )


class ChoicesForm(forms.Form):
    calendar = forms.ChoiceField(
        label="历法",
        choices=[("", "---------"), ("solar", "公历"), ("lunar", "农历")],
        widget=forms.RadioSelect,
    )
    tags = forms.MultipleChoiceField(
        label="需求标签",
        required=False,
        choices=[("meal", "助餐"), ("bath", "助浴")],
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label="执行中", required=False)
    note = forms.CharField(label="说明", required=False)


def field_html(form: forms.Form, name: str) -> str:
    return render_to_string("includes/field.html", {"field": form[name]})


# ---------------------------------------------------------------- choices


def test_it_renders_every_intake_choice_inside_its_labelled_box(client_for: Any, cast: Any) -> None:
    html = client_for(cast.community_a).get(reverse("servicerequests:intake")).content.decode()
    for value, label in Urgency.choices:
        assert chip("urgency", value, label).search(html), label
    for value, label in ServiceCategory.choices:
        assert chip("category", value, label).search(html), label
    assert html.count('<fieldset class="field choices') == 2
    assert "<legend>紧急程度" in html and "<legend>服务类别" in html


def test_it_renders_radios_checkboxes_and_a_single_checkbox_as_chips() -> None:
    form = ChoicesForm(initial={"calendar": "lunar"})
    radios = field_html(form, "calendar")
    for value, text in (("solar", "公历"), ("lunar", "农历")):
        assert chip("calendar", value, text).search(radios)
    assert "---------" not in radios  # a required radio's blank choice is no answer
    assert re.search(r'value="lunar"[^>]*checked', radios)
    boxes = field_html(form, "tags")
    assert chip("tags", "meal", "助餐").search(boxes) and "<legend>需求标签</legend>" in boxes
    single = field_html(form, "active")
    assert re.search(
        r'<label class="choice" for="id_active"><input type="checkbox" name="active"[^>]*>'
        r'<span class="choice-text">执行中</span></label>',
        single,
    )
    assert '<label for="id_note">说明</label>' in field_html(form, "note")


def test_it_shows_the_errors_of_a_choice_field() -> None:
    form = ChoicesForm(data={"calendar": ""})
    assert not form.is_valid()
    html = field_html(form, "calendar")
    assert 'class="field choices has-error"' in html and "errorlist" in html


# ---------------------------------------------------------------- menu


def test_it_folds_the_registered_menu_behind_one_button(client_for: Any, cast: Any) -> None:
    html = client_for(cast.community_a).get(reverse("cadres:list")).content.decode()
    assert re.search(
        r'<button type="button" class="menu-toggle" aria-expanded="false" aria-controls="site-nav">', html
    )
    nav = html[html.index('<nav class="nav" id="site-nav"') : html.index("</nav>")]
    entries = menu_for(cast.community_a)
    assert entries
    for entry in entries:
        assert entry["label"] in nav
        for link in entry.get("children", [entry]):  # a group: its name, then its links
            assert f'href="{link["url"]}"' in nav and link["label"] in nav
    assert any("children" in entry for entry in entries)
    # The group holding the page shows it.
    html = client_for(cast.community_a).get(reverse("dashboards:index")).content.decode()
    assert '<summary class="current">统计汇报</summary>' in html
    assert f'href="{reverse("cadres:list")}" aria-current="page"' in nav
    # The toggle lives in a static file (strict CSP: no inline script).
    assert "<script>" not in html


# ---------------------------------------------------------------- tap to call


def test_it_builds_tel_links_that_dial() -> None:
    assert tel_uri("13871234567") == "tel:13871234567"
    assert tel_uri("027-87654321-123") == "tel:02787654321,123"
    assert tel_uri("120") == "tel:120"
    assert tel_uri("138****4567") == tel_uri("") == ""


def test_it_links_a_full_number_and_never_a_masked_one() -> None:
    assert str(tel_for(MOBILE, True)) == f'<a class="tel mono" href="tel:{MOBILE}">{MOBILE}</a>'
    masked = str(tel_for(MOBILE, False))
    assert masked == f'<span class="mono">{mask_phone(MOBILE)}</span>'
    assert tel_for("", True) == "" and "<" not in str(tel("<b>"))


def test_it_links_the_cadre_phone_for_a_worker_and_masks_it_for_the_street(
    client_for: Any, cast: Any, cadre_a: Any
) -> None:
    url = reverse("cadres:detail", args=[cadre_a.pk])
    worker = client_for(cast.community_a).get(url).content.decode()
    assert f'href="tel:{MOBILE}"' in worker
    street = client_for(cast.street).get(url).content.decode()
    assert mask_phone(MOBILE) in street
    assert MOBILE not in street and "tel:138" not in street
    listed = client_for(cast.community_a).get(reverse("cadres:list")).content.decode()
    assert f'href="tel:{MOBILE}"' in listed
    listed = client_for(cast.street).get(reverse("cadres:list")).content.decode()
    assert MOBILE not in listed and mask_phone(MOBILE) in listed


# ---------------------------------------------------------------- visits


def test_it_shows_the_address_on_a_visit_card_and_announces_the_saved_visit(
    client_for: Any, cast: Any, cadre_a: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        task = make_task(cadre_a, TODAY)
        client = client_for(cast.community_a)
        agenda = client.get(reverse("tasks:agenda")).content.decode()
        assert f'<span class="task-address">{cadre_a.address}</span>' in agenda
        data = {
            "visited_on": TODAY.isoformat(),
            "visitors": "王芳",
            "visit_form": "home",
            "outcome": "visited",
        }
        response = client.post(reverse("tasks:record", args=[task.pk]), data, follow=True)
    assert re.search(
        r'<li class="msg msg-success" role="status">已记录走访：张德明', response.content.decode()
    )


# ---------------------------------------------------------------- filters in the URL


@pytest.mark.parametrize(
    ("name", "query", "filled"),
    [
        ("cadres:list", "q=zdm", 'value="zdm"'),
        ("servicerequests:list", "state=completed", '<option value="completed" selected>'),
        ("volunteers:list", "q=%E6%9D%8E&active=all", 'value="李"'),
        ("audit:list", "who=zdm", 'value="zdm"'),
    ],
)
def test_it_keeps_list_filters_in_a_url_that_renders_them_again(
    client_for: Any, cast: Any, name: str, query: str, filled: str
) -> None:
    html = client_for(cast.admin).get(f"{reverse(name)}?{query}").content.decode()
    form = re.search(r'<form[^>]*method="get"[^>]*>', html)
    assert form and 'hx-push-url="true"' in form.group(), name
    assert filled in html
