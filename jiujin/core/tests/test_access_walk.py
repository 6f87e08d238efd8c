"""Walk every page route and every API operation as every outsider, with ids of community A's objects.

Routes are read from the URL resolver and operations from the OpenAPI schema, so a new route is covered
without anyone remembering it; a route that declares no access rule fails the first test, and a route whose
ids this walk cannot fill fails the walk until the world learns them.

An app adds its own objects to the world in `jiujin/<app>/tests/walk.py`, a function
`walk_world(tree, cast, cadre_a) -> dict` returning any of the world's keys ("ids", "pks", "slugs",
"outsiders", "may": {outsider: url names and API paths they may open}) plus "written": callables counting
rows a refused write must not add. So a new app is walked
without editing this file.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Max
from django.test import Client
from django.urls import get_resolver

from jiujin.accounts.models import ApiToken, Role
from jiujin.api.api import api
from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.conftest import ApiClient, make_user
from jiujin.core.access import unruled_api_operations, unruled_url_patterns
from jiujin.directory.models import DirectoryEntry
from jiujin.health.models import Condition, HealthCampaign
from jiujin.servicerequests.tests.helpers import make_request
from jiujin.visits.models import HolidayRule
from jiujin.visits.tests.helpers import make_task
from jiujin.volunteers.models import ContactLog
from jiujin.volunteers.tests.helpers import make_volunteer, pair

DENIED = {403, 404, 405}
# What a paired volunteer may legitimately open: the pairing's own contact page and log.
PAIRED_VOLUNTEER_MAY = {
    "home",
    "cadres:list",
    "cadres:detail",
    "volunteers:me",
    "volunteers:my_cadre",
    "volunteers:my_contact",
}
PAIRED_VOLUNTEER_API = {"/api/v1/pairings/{pairing_id}/contacts"}


def test_it_declares_an_access_rule_on_every_route() -> None:
    assert unruled_url_patterns() == []
    assert unruled_api_operations(api) == []


@pytest.fixture
def world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    """One object of every kind in community A, and the outsiders who must reach none of them."""
    paired_user = make_user("volunteer-paired", Role.VOLUNTEER, tree.community_a)
    volunteer = make_volunteer(tree.community_a, user=paired_user)
    pairing = pair(cadre_a, volunteer)
    log = ContactLog.objects.create(
        pairing=pairing, on=date(2026, 11, 1), note="老人说腿疼", needs_attention=True
    )
    task = make_task(cadre_a, date(2026, 12, 20))
    request = make_request(cast.community_a, cadre_a)
    rule = HolidayRule.objects.create(
        org_unit=tree.community_a, code="walk", name="走访日", calendar="solar", month=5, day=1
    )
    entry = DirectoryEntry.objects.create(
        org_unit=tree.community_a, key="walk", kind="hotline", name="社区A热线", phones="0713-8888888"
    )
    campaign = HealthCampaign.objects.create(
        kind="lecture", title="社区A讲座", date=date(2026, 11, 2), org_unit=tree.community_a
    )
    condition = Condition.objects.create(cadre=cadre_a, name="高血压")
    token = ApiToken.issue(cast.community_a)[0]  # worker A's own token: nobody else may revoke it
    supervisor_z = make_user("district-z", Role.DISTRICT, tree.district_z)
    world: dict[str, Any] = {
        "cadre": cadre_a,
        "ids": {
            "cadre_pk": cadre_a.pk,
            "cadre_id": cadre_a.pk,
            "task_id": task.pk,
            "pairing_id": pairing.pk,
            "request_id": request.pk,
            "code": tree.community_a.code,
        },
        # The `pk` of each route, by URL name.
        "pks": {
            "cadres": cadre_a.pk,
            "tasks:task": task.pk,
            "tasks:record": task.pk,
            "visits:rule_edit": rule.pk,
            "visits:rule_delete": rule.pk,
            "volunteers": volunteer.pk,
            "volunteers:end": pairing.pk,
            "volunteers:my_contact": pairing.pk,
            "volunteers:follow_up": log.pk,
            "directory": entry.pk,
            "servicerequests": request.pk,
            "health:campaign_edit": campaign.pk,
            "health:item_edit": condition.pk,
            "account_token_revoke": token.pk,
        },
        "slugs": {"kind": "conditions", "name": "conditions"},
        "outsiders": {
            "sibling community": cast.community_b,
            "other district's worker": cast.community_z,
            "other district's supervisor": supervisor_z,
            "unpaired volunteer": cast.volunteer,
            "paired volunteer": paired_user,
        },
        "written": [],
        # What an outsider may legitimately open (url names of pages, schema paths of API operations).
        "may": {"paired volunteer": PAIRED_VOLUNTEER_MAY | PAIRED_VOLUNTEER_API},
    }
    for extra in _app_worlds(tree, cast, cadre_a):
        for key, value in extra.items():
            if key == "written":
                world["written"] += value
            else:
                world[key].update(value)
    return world


def _app_worlds(tree: Any, cast: Any, cadre_a: Any) -> list[dict[str, Any]]:
    """Each app's `tests/walk.py` contribution (see the module's docstring)."""
    worlds = []
    for config in apps.get_app_configs():
        if not config.name.startswith("jiujin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.walk")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.tests.walk":
                raise
            continue
        worlds.append(module.walk_world(tree, cast, cadre_a))
    return worlds


def _page_routes(resolver: Any = None, prefix: str = "", ns: str = "") -> list[tuple[str, str]]:
    """(route, namespaced url name) of every page, outside the API (walked through its schema below)."""
    from django.urls import URLResolver

    routes = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "api":
                routes += _page_routes(pattern, route, pattern.namespace or ns)
        else:
            routes.append((route, f"{ns}:{pattern.name}" if ns else pattern.name or ""))
    return routes


def _fill(route: str, name: str, world: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        kwarg = match.group(2)
        if kwarg == "pk":
            pk = world["pks"].get(name) or world["pks"].get(name.split(":")[0])
            assert pk is not None, (
                f"{name}: the walk does not know which object <pk> names; add it to the world"
            )
            return str(pk)
        if kwarg in world["slugs"]:
            return str(world["slugs"][kwarg])
        assert kwarg in world["ids"], f"{name}: the walk cannot fill <{kwarg}>; add it to the world"
        return str(world["ids"][kwarg])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _written_rows(extra: list[Callable[[], int]]) -> tuple[int, ...]:
    """Rows a refused write must not have added (denied attempts themselves are audited)."""
    from jiujin.cadres.models import Cadre
    from jiujin.health.models import CheckUp
    from jiujin.servicerequests.models import ServiceRequest
    from jiujin.tasks.models import VisitRecord, VisitTask

    latest = Cadre.objects.aggregate(m=Max("updated_at"))["m"]
    return (
        AuditEvent.objects.exclude(action__in=[AuditAction.DENIED, AuditAction.VIEW]).count(),
        hash(latest),
        VisitTask.objects.count(),
        VisitRecord.objects.count(),
        ServiceRequest.objects.count(),
        CheckUp.objects.count(),
        Condition.objects.count(),
        ContactLog.objects.count(),
        *(count() for count in extra),
    )


def test_it_refuses_every_page_with_an_id_of_community_a_to_every_outsider(world: dict[str, Any]) -> None:
    cadre = world["cadre"]
    routes = _page_routes()
    assert len(routes) > 50
    problems = []
    for who, user in world["outsiders"].items():
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for route, name in routes:
            if name in {"logout", "login"}:
                continue
            url = _fill(route, name, world)
            has_id = "<" in route
            if name in world["may"].get(who, ()):
                continue
            before = _written_rows(world["written"])
            get = client.get(url, {"cadre": cadre.pk}, follow=True)
            post = client.post(url, {"cadre": cadre.pk})
            body = _body(get)
            if get.status_code >= 500 or post.status_code >= 500:
                problems.append(f"{who} {url}: GET {get.status_code} POST {post.status_code}")
            elif has_id and (get.status_code not in DENIED or post.status_code not in DENIED):
                problems.append(
                    f"{who} {url}: GET {get.status_code} POST {post.status_code}, expected 403/404/405"
                )
            elif _reveals(body, cadre):
                problems.append(f"{who} {url}: shows 张德明's data")
            if _written_rows(world["written"]) != before:
                problems.append(f"{who} POST {url}: wrote something")
    assert problems == []


def _reveals(body: str, cadre: Any) -> bool:
    # Not the name alone: 张德明 is also the search box's example ("如：zdm 或 张德明").
    return any(value and value in body for value in (cadre.id_number, cadre.phone_mobile, cadre.address))


def _body(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def test_it_refuses_every_api_operation_on_community_a_to_every_outsider(world: dict[str, Any]) -> None:
    cadre = world["cadre"]
    schema = api.get_openapi_schema()
    problems = []
    operations = [
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if not path.startswith("/api/v1/auth/")
    ]
    assert len(operations) > 20
    for who, user in world["outsiders"].items():
        client = ApiClient(Client(), ApiToken.issue(user)[1])
        for path, method in operations:
            if path in world["may"].get(who, ()):
                continue
            filled = re.sub(r"\{(\w+)\}", lambda m: str(world["ids"][m.group(1)]), path)
            relative = filled.removeprefix("/api/v1")
            before = _written_rows(world["written"])
            if method == "get":
                response = client.get(relative, {"cadre": cadre.pk, "cadre_id": cadre.pk})
                allowed = DENIED if "{" in path else {200, *DENIED}
            else:
                response = client._send(method, relative, {})
                allowed = {*DENIED, 422}
            body = response.content.decode(errors="replace")
            if response.status_code not in allowed:
                problems.append(f"{who} {method.upper()} {filled}: {response.status_code}")
            elif _reveals(body, cadre):
                problems.append(f"{who} {method.upper()} {filled}: shows 张德明's data")
            if _written_rows(world["written"]) != before:
                problems.append(f"{who} {method.upper()} {filled}: wrote something")
    assert problems == []


def test_it_lets_the_paired_volunteer_reach_only_the_pairing(world: dict[str, Any], client_for: Any) -> None:
    client = client_for(world["outsiders"]["paired volunteer"])
    assert client.get(f"/volunteers/me/cadres/{world['cadre'].pk}/").status_code == 200
    assert client.get(f"/cadres/{world['cadre'].pk}/", follow=True).status_code == 200
    assert client.get(f"/health/cadres/{world['cadre'].pk}/").status_code == 404
    assert client.get(f"/plans/cadres/{world['cadre'].pk}/").status_code == 404
    assert client.get(f"/visits/cadres/{world['cadre'].pk}/").status_code == 404


def test_it_writes_denied_attempts_to_the_audit_log_at_a_bounded_rate(
    world: dict[str, Any], client_for: Any
) -> None:
    client = client_for(world["outsiders"]["sibling community"])
    for _ in range(30):
        assert client.get(f"/cadres/{world['cadre'].pk}/").status_code == 404
    denied = AuditEvent.objects.filter(
        action=AuditAction.DENIED, user=world["outsiders"]["sibling community"]
    )
    assert 1 <= denied.count() <= 10
    assert f"/cadres/{world['cadre'].pk}/" in denied.first().detail
