"""The fixed cast every test uses: one user per level, plus a worker in a sibling community and one in a
sibling district, who must see nothing of community A's cadres.

    黄冈市 4211
    ├── 黄州区 421102                (district)
    │   └── 东湖街道 421102001        (street)
    │       ├── 社区A 421102001001    (community_a) ← cadre_a lives here
    │       └── 社区B 421102001002    (community_b, sibling community)
    └── 麻城市 421181                (sibling district)
        └── 鼓楼街道 421181001
            └── 社区Z 421181001001    (community_z, sibling district)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from jiujin.accounts.models import ApiToken, Role, User
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.orgs.models import OrgLevel, OrgUnit
from jiujin.orgs.services import org_unit_create

PASSWORD = "jiujin-test-Pa55"


@dataclass
class Tree:
    city: OrgUnit
    district: OrgUnit
    street: OrgUnit
    community_a: OrgUnit
    community_b: OrgUnit
    district_z: OrgUnit
    street_z: OrgUnit
    community_z: OrgUnit


@dataclass
class Cast:
    admin: User
    city: User
    district: User
    street: User
    community_a: User
    community_b: User
    community_z: User
    volunteer: User

    def outsiders(self) -> list[User]:
        """Users who must not see anything of community A."""
        return [self.community_b, self.community_z, self.volunteer]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_var_dir(settings: Any, tmp_path: Path) -> None:
    # Lock files and uploads of one test never meet another's (tests run in parallel with pytest-xdist).
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> None:
    # The cache lives in the database: a test's transaction rolls back what it cached, but a transactional
    # test commits, so it starts from an empty cache (the table is not among those flushed).
    for name in ("transactional_db", "live_server"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            cache.clear()
            return


@pytest.fixture
def tree(db: Any) -> Tree:
    city = org_unit_create(code="4211", name="黄冈市", level=OrgLevel.CITY)
    district = org_unit_create(code="421102", name="黄州区", level=OrgLevel.DISTRICT, parent=city)
    street = org_unit_create(code="421102001", name="东湖街道", level=OrgLevel.STREET, parent=district)
    a = org_unit_create(code="421102001001", name="社区A", level=OrgLevel.COMMUNITY, parent=street)
    b = org_unit_create(code="421102001002", name="社区B", level=OrgLevel.COMMUNITY, parent=street)
    dz = org_unit_create(code="421181", name="麻城市", level=OrgLevel.DISTRICT, parent=city)
    sz = org_unit_create(code="421181001", name="鼓楼街道", level=OrgLevel.STREET, parent=dz)
    z = org_unit_create(code="421181001001", name="社区Z", level=OrgLevel.COMMUNITY, parent=sz)
    return Tree(city, district, street, a, b, dz, sz, z)


def make_user(username: str, role: str, unit: OrgUnit | None) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, org_unit=unit, is_superuser=role == Role.ADMIN
    )


@pytest.fixture
def cast(tree: Tree) -> Cast:
    return Cast(
        admin=make_user("admin", Role.ADMIN, None),
        city=make_user("city", Role.CITY, tree.city),
        district=make_user("district", Role.DISTRICT, tree.district),
        street=make_user("street", Role.STREET, tree.street),
        community_a=make_user("worker-a", Role.COMMUNITY, tree.community_a),
        community_b=make_user("worker-b", Role.COMMUNITY, tree.community_b),
        community_z=make_user("worker-z", Role.COMMUNITY, tree.community_z),
        volunteer=make_user("volunteer-a", Role.VOLUNTEER, tree.community_a),
    )


@pytest.fixture
def assessor(tree: Tree) -> User:
    """The district's 考评员 (Role.ASSESSOR): a fixture of its own, not in the cast, so no cast test changes."""
    return make_user("assessor", Role.ASSESSOR, tree.district)


@pytest.fixture
def cadre_a(tree: Tree, cast: Cast) -> Any:
    """张德明, a cadre of community A whom only A's chain of command may see."""
    return CadreFactory(
        name="张德明",
        community=tree.community_a,
        responsible_worker=cast.community_a,
        phone_mobile="13871234567",
    )


@pytest.fixture
def client_for(client: Any) -> Any:
    def login(user: User) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


class ApiClient:
    """A test client of /api/v1/ that speaks JSON and carries a bearer token, never a session."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, data: dict | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", data, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self._send("post", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def _send(self, method: str, path: str, body: Any) -> Any:
        send = getattr(self.client, method)
        return send(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as() -> Any:
    """`api_as(user)`: an ApiClient with a fresh token of that user (`None`: no token)."""

    def make(user: User | None) -> ApiClient:
        token = ApiToken.issue(user)[1] if user else None
        return ApiClient(Client(enforce_csrf_checks=True), token)

    return make


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def phone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A 375 px wide phone in Debian's Chromium (browser tests pair it with `live_server`).

    Script errors and CSP violations are collected in `phone.problems`: they would silently break a page.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
        page: Any = context.new_page()  # Any: it also carries our `problems` list
        page.set_default_timeout(10_000)
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on(
            "console", lambda msg: "Content Security Policy" in msg.text and page.problems.append(msg.text)
        )
        try:
            yield page
        finally:
            browser.close()


SHOTS = Path(os.environ.get("JIUJIN_SHOTS", Path(__file__).resolve().parents[1] / "var" / "screenshots"))


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save what a browser test saw as var/screenshots/NAME.png (or under $JIUJIN_SHOTS), for people to look
    at: CI keeps them as artifacts of the run."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def fits_phone(page: Any) -> bool:
    """No sideways scrolling at 375 px."""
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def menu_labels(user: User) -> list[str]:
    """Every link of the user's menu by label, its groups opened (core.registry.menu_for)."""
    from jiujin.core.registry import menu_for

    return [link["label"] for entry in menu_for(user) for link in entry.get("children", [entry])]
