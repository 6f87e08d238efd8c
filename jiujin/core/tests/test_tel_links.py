"""Every phone number a worker reads is a tap-to-call link (issue 10): walks the pages where numbers show and
fails on any full number printed outside an <a href="tel:…">, so a new page that forgets the link is caught."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from jiujin.cadres.models import FamilyContact
from jiujin.directory.models import DirectoryEntry
from jiujin.servicerequests.models import ServiceRequest
from jiujin.servicerequests.tests.helpers import make_request
from jiujin.volunteers.tests.helpers import make_volunteer, pair

pytestmark = pytest.mark.django_db

NUMBERS = {
    "cadre": "13871234567",
    "family": "13607131234",
    "worker": "13971300001",
    "volunteer": "13812345678",
    "directory": "0713-8881234",
    "caller": "13307135555",
}


class _Unlinked(HTMLParser):
    """Collects text that holds one of the numbers outside a tel: link (attributes and form values aside)."""

    SKIP = {"textarea", "option", "script", "style", "title"}

    def __init__(self, numbers: set[str]) -> None:
        super().__init__()
        self.numbers, self.found = numbers, []
        self.in_tel = 0
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and (dict(attrs).get("href") or "").startswith("tel:"):
            self.in_tel += 1
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.in_tel:
            self.in_tel -= 1
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if self.in_tel or self.skipping:
            return
        self.found += [n for n in self.numbers if n in data]


def unlinked(html: str) -> list[str]:
    parser = _Unlinked(set(NUMBERS.values()))
    parser.feed(html)
    return parser.found


def test_it_links_every_full_phone_number_a_worker_reads(
    client_for: Any, tree: Any, cast: Any, cadre_a: Any
) -> None:
    worker = cast.community_a
    worker.last_name, worker.first_name, worker.phone = "王", "芳", NUMBERS["worker"]
    worker.save(update_fields=["last_name", "first_name", "phone"])
    FamilyContact.objects.create(cadre=cadre_a, name="张小华", relation="女儿", phone=NUMBERS["family"])
    volunteer = make_volunteer(tree.community_a, name="李青", phone=NUMBERS["volunteer"])
    pair(cadre_a, volunteer)
    DirectoryEntry.objects.create(
        org_unit=tree.community_a,
        key="clinic",
        kind="clinic",
        name="社区卫生服务站",
        phones=NUMBERS["directory"],
    )
    request = make_request(worker, cadre_a)
    ServiceRequest.objects.filter(pk=request.pk).update(
        caller_phone=NUMBERS["caller"], assignee_volunteer=volunteer
    )
    client = client_for(worker)
    pages = [
        reverse("home"),
        reverse("cadres:list"),
        reverse("cadres:detail", args=[cadre_a.pk]),
        reverse("volunteers:list"),
        reverse("volunteers:detail", args=[volunteer.pk]),
        reverse("volunteers:cadre", args=[cadre_a.pk]),
        reverse("directory:unit", args=[tree.community_a.code]),
        reverse("directory:edit", args=[tree.community_a.code]),
        reverse("servicerequests:detail", args=[request.pk]),
        reverse("servicerequests:board"),
        reverse("servicerequests:list"),
    ]
    shown = set()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert unlinked(html) == [], url
        shown |= {name for name, number in NUMBERS.items() if f"tel:{number.replace('-', '')}" in html}
    assert shown == set(NUMBERS), "every kind of number showed up somewhere, linked"
