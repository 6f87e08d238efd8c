"""Soak test: many logged-in clients against the production server (gunicorn), reads and writes mixed.

    createdb -h 127.0.0.1 -p 5544 -U postgres jiujin_soak
    export DATABASE_URL=postgres://postgres@127.0.0.1:5544/jiujin_soak JIUJIN_VAR_DIR=/tmp/soakvar
    JIUJIN_DEMO=1 jiujin migrate && JIUJIN_DEMO=1 jiujin demo-data --cadres 100000
    jiujin schedule-visits && jiujin collectstatic --no-input
    python bench/soak.py --serve --clients 50 --seconds 600          # starts gunicorn itself
    python bench/soak.py --serve --snapshot …    # serves a frozen copy of the code (others edit the tree)
    python bench/soak.py --url http://127.0.0.1:8011 --clients 50     # or against a running server

Every client is a thread with its own keep-alive connection that logs in through the login form (CSRF token
and session cookie) as one of the demo logins — community workers mostly, a street, a district and the
administrator — fetches an API token, and then, until the time is up, picks one operation after another,
weighted like a working day (no think time: a closed loop, as hard as the server answers). Ids, names, ID and
phone tails and the pending visit tasks are drawn from the database before the start (DATABASE_URL must name
the server's database). Latency is the whole request at the client: send, wait, read the body.

An error is any connection error or timeout, any status >= 500, any status the request should not get
(a 4xx, a redirect to the login page…) and any form the server hands back with errors; the first bodies are
printed. Figures are printed, never asserted. Client and server share the box: the client threads take CPU
(and the GIL) from the same cores the server runs on.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import runpy
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "jiujin-demo"  # jiujin.demo.services.DEMO_PASSWORD (checked against it at start)
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
# Without that file: an access log shaped like its one, the server's own time per request in milliseconds.
ACCESS_FORMAT = '- "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
NUMBER = re.compile(r"/\d+")
ACCESS_LINE = re.compile(r'"([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms')
HABITS = [
    "每天早上6点起床，到公园打太极拳",
    "早睡早起，午饭后午睡一小时",
    "每天下午在小区散步，晚饭后看新闻联播",
    "上午去社区活动室下棋，下午在家练字",
    "每周二、五上午到社区老年大学上课",
    "爱听广播，每天读报一小时",
    "每月初到医院复查并取药",
    "喜欢清淡饮食，晚饭后和老伴在湖边散步",
]
NEEDS = [
    "老人反映家中水龙头漏水，需要上门维修",
    "需要陪同到医院复查，家属外地工作",
    "想请人上门理发，行动不便",
    "家里需要打扫卫生，腿脚不方便",
    "请帮忙代购降压药和米面油",
    "老伴去世后情绪低落，希望有人常来聊聊",
]
FILTERS = [
    "age=80-89&living=alone",
    "living=empty_nest&health=poor",
    "category=lixiu&rank=chu",
    "age=90-99&health=fair",
    "rank=ke&living=with_children",
    "category=tuixiu&tag=书法",
]
# Operation → (weight, capability it needs or None). Each operation is one to three requests.
OPERATIONS: dict[str, tuple[int, str | None]] = {
    "list": (18, None),
    "search_name": (7, None),
    "search_id_tail": (3, None),
    "search_phone_tail": (3, None),
    "list_two_filters": (6, None),
    "list_deep_page": (3, None),
    "detail": (14, None),
    "agenda": (9, None),
    "board": (3, "dispatch_services"),
    "board_refresh": (5, "dispatch_services"),
    "api_list": (6, None),
    "api_detail": (2, None),
    "record_visit": (6, None),
    "intake": (4, "dispatch_services"),
    "edit_cadre": (5, "manage_cadres"),
}
# Who the clients are: (login, how many clients). 50 clients: mostly community workers.
CLIENT_SHARE = [("community", 40), ("demo-street", 5), ("demo-district", 3), ("demo-admin", 2)]
WRITE_KINDS = {"visit record POST", "intake POST", "edit cadre POST"}


# ---------------------------------------------------------------- data drawn before the start


@dataclass
class LoginData:
    username: str
    role: str
    capabilities: set[str]
    cadres: list[dict[str, str | int]]
    deep_pages: int
    tasks: list[int] = field(default_factory=list)
    task_lock: threading.Lock = field(default_factory=threading.Lock)

    def pop_task(self) -> int | None:
        with self.task_lock:
            return self.tasks.pop() if self.tasks else None


def draw_data(rng: random.Random, clients_per_login: Counter[str], sample: int) -> dict[str, LoginData]:
    """Per login: a random sample of the cadres it sees, and its own share of the pending visit tasks.

    Every pending task goes to exactly one login (one that sees it, chosen by its number of clients), so two
    clients never race for the same task: an "already done by someone else" answer is then an error.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujin.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from jiujin.accounts.models import User
    from jiujin.cadres.models import Cadre
    from jiujin.demo.services import DEMO_PASSWORD
    from jiujin.tasks.models import VisitTask

    assert DEMO_PASSWORD == PASSWORD, "the demo password changed: update PASSWORD"
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} "
        f"{settings.DATABASES['default'].get('NAME')}, cadres: {Cadre.objects.count():,}",
        flush=True,
    )
    data: dict[str, LoginData] = {}
    visible: dict[str, set[int]] = {}
    for username in clients_per_login:
        user = User.objects.select_related("org_unit").get(username=username)
        scope = Cadre.objects.for_user(user).active()
        rows = list(
            scope.order_by("?").values("pk", "name", "id_number", "phone_mobile", "phone_landline")[:sample]
        )
        total = min(scope.count(), 10_001)  # the list caps its count there
        caps = {c for c in ("dispatch_services", "manage_cadres", "view_sensitive") if user.can(c)}
        data[username] = LoginData(username, user.role, caps, rows, deep_pages=max(1, total // 30))
        visible[username] = set(VisitTask.objects.for_user(user).pending().values_list("pk", flat=True))
    owners: dict[int, list[str]] = defaultdict(list)
    for username, tasks in visible.items():
        for pk in tasks:
            owners[pk].append(username)
    for pk in sorted(owners):
        names = owners[pk]
        owner = rng.choices(names, weights=[clients_per_login[n] for n in names])[0]
        data[owner].tasks.append(pk)
    for login in data.values():
        rng.shuffle(login.tasks)
    DB_NAME.append(str(settings.DATABASES["default"].get("NAME") or ""))
    connection.close()
    return data


DB_NAME: list[str] = []


def db_counts(since: datetime) -> dict[str, int]:
    """Rows the writes left behind since `since`: the server's side of the clients' success counts."""
    from django.db import connection

    from jiujin.audit.models import AuditAction, AuditEvent
    from jiujin.servicerequests.models import ServiceRequest
    from jiujin.tasks.models import VisitRecord

    counts = {
        "visit records": VisitRecord.objects.filter(created_at__gte=since).count(),
        "service requests": ServiceRequest.objects.filter(created_at__gte=since).count(),
        "cadre updates (audit)": AuditEvent.objects.filter(action=AuditAction.UPDATE, at__gte=since).count(),
    }
    connection.close()
    return counts


# ---------------------------------------------------------------- HTTP and forms


class Form:
    def __init__(self, attrs: dict[str, str]) -> None:
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.fields: list[tuple[str, str]] = []
        self.options: dict[str, list[str]] = defaultdict(list)

    def values(self, **overrides: str) -> list[tuple[str, str]]:
        """What a browser submits, with some fields set as the user would."""
        kept = [(k, v) for k, v in self.fields if k not in overrides]
        return kept + list(overrides.items())


class FormParser(HTMLParser):
    """Collects the forms of a page the way a browser submits them (checked boxes, selected options…)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: tuple[str, list[tuple[str, bool]]] | None = None
        self.option_value: str | None = None
        self.option_text = ""
        self.option_selected = False
        self.textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
            return
        form = self.form
        if form is None:
            return
        name = attrs.get("name", "")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            value = attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")
            if kind in {"checkbox", "radio"}:
                form.options[name].append(value)
                if "checked" not in attrs:
                    return
            form.fields.append((name, value))
        elif tag == "select" and name and "disabled" not in attrs:
            self.select = (name, [])
        elif tag == "option" and self.select is not None:
            self.option_value = attrs.get("value")
            self.option_text = ""
            self.option_selected = "selected" in attrs
        elif tag == "textarea" and name and "disabled" not in attrs:
            self.textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1].append(data)
        elif self.option_value is None and self.select is not None:
            self.option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self.select is not None:
            self._end_option()
        elif tag == "select" and self.select is not None and self.form is not None:
            self._end_option()
            name, options = self.select
            self.form.options[name] = [v for v, _ in options]
            chosen = [v for v, sel in options if sel] or [v for v, _ in options[:1]]
            self.form.fields.extend((name, v) for v in chosen[:1])
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            name, parts = self.textarea
            text = "".join(parts)
            self.form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "form":
            self.form = None

    def _end_option(self) -> None:
        if self.select is not None and (self.option_value is not None or self.option_text):
            value = self.option_value if self.option_value is not None else self.option_text.strip()
            self.select[1].append((value, self.option_selected))
        self.option_value, self.option_text, self.option_selected = None, "", False


def page_form(body: str) -> Form:
    """The page's main POST form (not the logout button in the header)."""
    parser = FormParser()
    parser.feed(body)
    forms = [f for f in parser.forms if f.method == "post" and "logout" not in f.action]
    if not forms:
        raise BadAnswer("no form on the page")
    return max(forms, key=lambda f: len(f.fields))


class BadAnswer(Exception):
    """The server answered, but not what the request should get."""


ERRORLIST = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)
TAGS = re.compile(r"<[^>]+>")


def form_errors(body: str) -> str:
    return "; ".join(TAGS.sub("", m).strip() for m in ERRORLIST.findall(body)) or "(no error list)"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Stats:
    """One per client thread (no locking on the hot path); merged at the end."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.error_kinds: Counter[tuple[str, str]] = Counter()
        self.samples: list[str] = []
        self.retries: Counter[str] = Counter()
        self.retry_after: Counter[str] = Counter()
        self.timeline: list[tuple[float, float]] = []  # (monotonic time at the end, ms)
        self.done = 0


class Client:
    def __init__(self, base: str, login: LoginData, rng: random.Random, stats: Stats, timeout: float) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.login = login
        self.rng = rng
        self.stats = stats
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.conn: http.client.HTTPConnection | None = None
        self.used = 0  # requests on the current connection
        self.last = ("", 0.0)  # the previous request on this connection: kind, when its answer was read
        self.recording = True

    # -- transport

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        form: list[tuple[str, str]] | None = None,
        json_body: object = None,
        htmx: bool = False,
        api: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> Answer:
        headers = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "jiujin-soak",
            "Accept-Encoding": "identity",
        }
        body: bytes | None = None
        if api:
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if method == "POST":
            headers["Origin"] = self.origin
        if htmx:
            headers["HX-Request"] = "true"
        start = time.perf_counter()
        try:
            status, response_headers, raw = self._send(kind, method, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            self._fail(kind, f"connection: {type(exc).__name__}", f"{method} {path}: {exc!r}")
            raise BadAnswer("connection") from exc
        elapsed = (time.perf_counter() - start) * 1000
        if self.recording:
            self.stats.times[kind].append(elapsed)
            self.stats.timeline.append((time.monotonic(), elapsed))
            self.stats.done += 1
        if not api:
            for header in response_headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        answer = Answer(status, response_headers, raw.decode("utf-8", "replace"))
        if status not in expect:
            label = "5xx" if status >= 500 else f"unexpected {status}"
            where = f" → {answer.location}" if answer.location else ""
            self._fail(kind, label, f"{method} {path}: {status}{where}\n{answer.body[:1500]}")
            raise BadAnswer(label)
        return answer

    def _send(
        self, kind: str, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.used = 0
            reused = self.used > 0
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # A keep-alive connection the server closed while idle: a browser silently reconnects.
                if reused and attempt == 1:
                    self.stats.retries[kind] += 1
                    before, at = self.last
                    self.stats.retry_after[f"after {before}, idle {time.monotonic() - at:.1f} s"] += 1
                    continue
                raise
            except BaseException:
                self.close()
                raise
            self.used += 1
            self.last = (kind, time.monotonic())
            if response.will_close:
                self.close()
            return response.status, response.headers, raw
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _fail(self, kind: str, label: str, detail: str) -> None:
        self.stats.errors[kind] += 1
        self.stats.error_kinds[(kind, label)] += 1
        if len(self.stats.samples) < 5:
            self.stats.samples.append(f"[{kind}] {label} at {time.strftime('%H:%M:%S')}\n{detail}")

    def fail_form(self, kind: str, path: str, answer: Answer, what: str) -> None:
        self._fail(
            kind, what, f"POST {path}: {answer.status}: {form_errors(answer.body)}\n{answer.body[:800]}"
        )

    # -- session

    def sign_in(self) -> None:
        page = self.request("login GET", "GET", "/accounts/login/")
        form = page_form(page.body)
        sent = form.values(username=self.login.username, password=PASSWORD)
        answer = self.request("login POST", "POST", "/accounts/login/", form=sent, expect=(302,))
        if "/accounts/login/" in answer.location:
            self.fail_form("login POST", "/accounts/login/", answer, "login refused")
            raise BadAnswer("login refused")
        token = self.request(
            "api token POST",
            "POST",
            "/api/v1/auth/token",
            json_body={"username": self.login.username, "password": PASSWORD, "name": "soak"},
            api=True,
        )
        self.token = json.loads(token.body)["token"]

    # -- operations

    def run_one(self, op: str) -> None:
        getattr(self, f"op_{op}")()

    def cadre(self) -> dict[str, str | int]:
        return self.rng.choice(self.login.cadres)

    def op_list(self) -> None:
        self.request("list page 1", "GET", "/cadres/")

    def _search(self, kind: str, q: str) -> Answer:
        return self.request(kind, "GET", "/cadres/?" + urllib.parse.urlencode({"q": q}), htmx=True)

    def op_search_name(self) -> None:
        name = str(self.cadre()["name"])
        answer = self._search("list search: full name", name)
        if name not in answer.body:
            self._fail("list search: full name", "cadre not found", f"q={name}\n{answer.body[:800]}")

    def op_search_id_tail(self) -> None:
        self._search("list search: ID tail", str(self.cadre()["id_number"])[-6:])

    def op_search_phone_tail(self) -> None:
        c = self.cadre()
        phone = str(c["phone_mobile"] or c["phone_landline"] or c["id_number"])
        self._search("list search: phone tail", phone[-4:])

    def filters(self) -> str:
        return urllib.parse.quote(self.rng.choice(FILTERS), safe="=&")

    def op_list_two_filters(self) -> None:
        self.request("list two filters", "GET", "/cadres/?" + self.filters())

    def op_list_deep_page(self) -> None:
        pages = self.login.deep_pages
        page = self.rng.randint(max(1, pages // 3), pages)
        self.request("list deep page", "GET", f"/cadres/?page={page}")

    def op_detail(self) -> None:
        self.request("cadre detail", "GET", f"/cadres/{self.cadre()['pk']}/")

    def op_agenda(self) -> None:
        self.request("agenda 我的走访", "GET", "/visits/")

    def op_board(self) -> None:
        self.request("board page", "GET", "/requests/board/")

    def op_board_refresh(self) -> None:
        self.request("board refresh (htmx)", "GET", "/requests/board/", htmx=True)

    def op_api_list(self) -> None:
        roll = self.rng.random()
        if roll < 0.5:
            query = f"page={self.rng.randint(1, min(self.login.deep_pages, 50))}"
        elif roll < 0.8:
            query = urllib.parse.urlencode({"q": str(self.cadre()["name"])})
        else:
            query = self.filters()
        self.request("API cadre list", "GET", f"/api/v1/cadres?{query}", api=True)

    def op_api_detail(self) -> None:
        self.request("API cadre detail", "GET", f"/api/v1/cadres/{self.cadre()['pk']}", api=True)

    def op_record_visit(self) -> None:
        """On the phone, from the agenda: the inline record form (htmx), then save."""
        pk = self.login.pop_task()
        if pk is None:
            self.op_agenda()
            return
        path = f"/visits/tasks/{pk}/record/"
        page = self.request("visit form GET (htmx)", "GET", path, htmx=True)
        form = page_form(page.body)
        outcome = (
            "nobody_home" if self.rng.random() < 0.1 else self.rng.choice(["visited", "visited", "family"])
        )
        sent = form.values(
            visit_form=self.rng.choice(form.options.get("visit_form") or ["home"]),
            outcome=outcome,
            gifts=self.rng.choice(["", "米面油一份", "水果", "鲜花"]),
            findings="身体状况稳定，精神不错",
            needs="",
        )
        answer = self.request("visit record POST", "POST", path, form=sent, htmx=True)
        if "已记录" not in answer.body:
            self.fail_form("visit record POST", path, answer, "not recorded")

    def op_intake(self) -> None:
        """A call comes in: the intake form, the typeahead for the cadre, then 受理."""
        c = self.cadre()
        page = self.request("intake form GET", "GET", "/requests/new/")
        form = page_form(page.body)
        name = str(c["name"])
        self.request(
            "intake cadre typeahead",
            "GET",
            "/requests/new/cadres/?" + urllib.parse.urlencode({"q": name}),
            htmx=True,
        )
        urgent = self.rng.random() < 0.1
        categories = [v for v in form.options.get("category", []) if v != "emergency_help"] or ["errands"]
        sent = form.values(
            cadre=str(c["pk"]),
            category="emergency_help" if urgent else self.rng.choice(categories),
            urgency="emergency" if urgent else "normal",
            description=self.rng.choice(NEEDS),
            caller_name=name,
            caller_relation="本人",
            caller_phone="",
            q=name,
        )
        answer = self.request("intake POST", "POST", "/requests/new/", form=sent, expect=(200, 302))
        if answer.status != 302 or not re.search(r"/requests/\d+/$", answer.location):
            self.fail_form("intake POST", "/requests/new/", answer, "not created")

    def op_edit_cadre(self) -> None:
        """The edit page, change the habits (④ 生活习惯), save."""
        pk = self.cadre()["pk"]
        path = f"/cadres/{pk}/edit/"
        page = self.request("edit cadre GET", "GET", path)
        form = page_form(page.body)
        current = dict(form.fields).get("habits", "")
        habits = self.rng.choice([h for h in HABITS if h != current])
        answer = self.request(
            "edit cadre POST", "POST", path, form=form.values(habits=habits), expect=(200, 302)
        )
        if answer.status != 302 or answer.location.rstrip("/").split("/")[-1] != str(pk):
            self.fail_form("edit cadre POST", path, answer, "not saved")


def client_thread(
    client: Client,
    ops: list[str],
    weights: list[int],
    ready: threading.Barrier,
    go: threading.Event,
    window: dict[str, float],
) -> None:
    try:
        client.sign_in()
        signed_in = True
    except BadAnswer:
        signed_in = False
    except Exception as exc:  # never leave the others waiting at the barrier
        client._fail("login POST", f"client: {type(exc).__name__}", repr(exc))
        signed_in = False
    client.close()  # the others may take longer than the server's keep-alive: start on a fresh connection
    ready.wait()
    go.wait()
    if not signed_in:
        return
    deadline = window["end"]
    while time.monotonic() < deadline:
        op = client.rng.choices(ops, weights=weights)[0]
        try:
            client.run_one(op)
        except BadAnswer:
            pass
        except Exception as exc:  # a bug in this script or an unreadable page: count it, keep going
            client._fail(op, f"client: {type(exc).__name__}", repr(exc))
    client.close()


# ---------------------------------------------------------------- server


def snapshot_tree() -> Path:
    """A frozen copy of the code to serve: others may be editing the working tree during the run, and a
    worker that gunicorn recycles (max_requests) imports the code afresh. Copied again until it passes
    `jiujin check`; its migrations must all be applied, its static files are collected."""
    for attempt in range(1, 11):
        target = Path(tempfile.mkdtemp(prefix="jiujin-soak-src-"))
        for name in ("jiujin", "deploy"):
            if (ROOT / name).exists():
                shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "PYTHONPATH": str(target), "ALLOWED_HOSTS": "127.0.0.1"}
        python = [str(ROOT / ".venv" / "bin" / "python"), "-m", "jiujin"]
        checked = subprocess.run([*python, "check"], cwd=target, env=env, capture_output=True, text=True)
        if checked.returncode == 0:
            where = subprocess.run(
                [python[0], "-c", "import jiujin; print(jiujin.__file__)"],
                cwd=target,
                env=env,
                capture_output=True,
                text=True,
            ).stdout.strip()
            assert where.startswith(str(target)), f"the copy is not what Python imports: {where}"
            migrated = subprocess.run(
                [*python, "migrate", "--check"], cwd=target, env=env, capture_output=True, text=True
            )
            if migrated.returncode != 0:
                shutil.rmtree(target)
                raise SystemExit(
                    f"the code has unapplied migrations: run `jiujin migrate` first\n{migrated.stdout}"
                )
            subprocess.run([*python, "collectstatic", "--no-input", "-v0"], cwd=target, env=env, check=True)
            print(f"serving a snapshot of the code: {target}", flush=True)
            return target
        shutil.rmtree(target)
        print(f"snapshot {attempt}: `jiujin check` failed (someone is mid-edit?), again in 10 s", flush=True)
        time.sleep(10)
    raise SystemExit("no consistent snapshot of the code in 10 tries:\n" + checked.stderr[-3000:])


def start_server(args: argparse.Namespace, src: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    env = dict(os.environ)
    if env.get("JIUJIN_SECURE", "0").lower() in {"1", "true", "yes", "on"}:
        raise SystemExit("--serve speaks plain HTTP: unset JIUJIN_SECURE (its cookies are HTTPS-only)")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    log = Path(args.server_log)
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "jiujin.wsgi:application", "--pythonpath", str(src)]
    conf_file = src / GUNICORN_CONF.relative_to(ROOT)
    if conf_file.exists() and not args.no_conf:
        # The production configuration as it is (its access log included); only the address is ours.
        conf = runpy.run_path(str(conf_file))
        command += ["-c", str(conf_file)]
        described = f"-c {GUNICORN_CONF.relative_to(ROOT)} (" + ", ".join(
            f"{k}={conf.get(k)}"
            for k in (
                "workers",
                "worker_class",
                "threads",
                "keepalive",
                "max_requests",
                "max_requests_jitter",
            )
        )
        if args.workers:
            command += ["-w", str(args.workers)]
            described += f", overridden: -w {args.workers}"
        described += ")"
    else:
        workers = args.workers or 2 * (os.cpu_count() or 1) + 1
        command += ["-w", str(workers), "-k", "gthread", "--threads", str(args.threads)]
        command += ["--error-logfile", "-", "--access-logfile", "-", "--access-logformat", ACCESS_FORMAT]
        described = f"-w {workers} -k gthread --threads {args.threads}"
    command += ["-b", f"127.0.0.1:{args.port}"]
    handle = log.open("wb")
    server = subprocess.Popen(command, cwd=src, env=env, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{args.port}"
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": f"127.0.0.1:{args.port}"})
            if conn.getresponse().status == 200:
                conn.close()
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise SystemExit("gunicorn did not answer /healthz in 30 s")
    print(f"server: gunicorn {described} -b 127.0.0.1:{args.port}, log {log}", flush=True)
    return server, url, log


def server_problems(log: Path, offset: int) -> None:
    text = log.read_bytes()[offset:].decode("utf-8", "replace")
    markers = [
        "Traceback",
        "Internal Server Error",
        "WORKER TIMEOUT",
        "database is locked",
        "deadlock",
        "Error",
    ]
    found = {m: text.count(m) for m in markers if m in text}
    print(f"server log: {found or 'no tracebacks, worker timeouts or errors'}", flush=True)
    restarts = text.count("Autorestarting worker")
    if restarts:
        print(f"server log: {restarts} worker restarts after max_requests (graceful)", flush=True)
    if "Traceback" in text:
        start = text.index("Traceback")
        print(text[max(0, start - 300) : start + 4000], flush=True)


def server_times(log: Path, start: int, end: int) -> None:
    """The server's own time per request (gunicorn's access log, the measured window only): the difference
    to the client's figure is waiting for a free worker thread, and the client's share of the CPU."""
    text = log.read_bytes()[start:end].decode("utf-8", "replace")
    by_path: dict[str, list[float]] = defaultdict(list)
    for method, path, _status, ms in ACCESS_LINE.findall(text):
        by_path[f"{method} {NUMBER.sub('/<id>', path)}"].append(float(ms))
    every = sorted(x for times in by_path.values() for x in times)
    if not every:
        print("server time: no access log lines in the window", flush=True)
        return
    print("\nserver time (gunicorn access log, in the worker):\n\n| request | n | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|---|")
    for label, times in [*sorted(by_path.items(), key=lambda kv: -len(kv[1])), ("**all**", every)]:
        times = sorted(times)
        print(
            f"| {label} | {len(times):,} | {percentile(times, 0.5):.0f} ms | {percentile(times, 0.95):.0f} ms | "
            f"{percentile(times, 0.99):.0f} ms | {times[-1]:.0f} ms |"
        )


# ---------------------------------------------------------------- report


def percentile(sorted_times: list[float], p: float) -> float:
    return sorted_times[max(0, math.ceil(p * len(sorted_times)) - 1)]


def report(stats: Stats, seconds: float, window_start_kinds: set[str]) -> None:
    rows = []
    for kind in sorted(stats.times, key=lambda k: -len(stats.times[k])):
        if kind not in window_start_kinds:
            rows.append((kind, sorted(stats.times[kind])))
    total = sum(len(t) for _, t in rows)
    writes = sum(len(t) for k, t in rows if k in WRITE_KINDS)
    every = sorted(x for _, t in rows for x in t)
    print("\n| kind | n | share | p50 | p95 | p99 | max | errors |", flush=True)
    print("|---|---|---|---|---|---|---|---|")

    def line(label: str, times: list[float], errors: int) -> None:
        if not times:
            print(f"| {label} | 0 | | | | | | {errors} |")
            return
        share = f"{100 * len(times) / total:.1f} %" if total else ""
        print(
            f"| {label} | {len(times):,} | {share} | {percentile(times, 0.5):.0f} ms | "
            f"{percentile(times, 0.95):.0f} ms | {percentile(times, 0.99):.0f} ms | {times[-1]:.0f} ms | {errors} |"
        )

    for kind, times in rows:
        line(kind, times, stats.errors[kind])
    ops_only = sum(v for k, v in stats.errors.items() if k not in stats.times)
    line("**all requests**", every, sum(stats.errors[k] for k, _ in rows) + ops_only)
    print(
        f"\nthroughput: {total:,} requests in {seconds:.0f} s = {total / seconds:.1f} requests/s; "
        f"writes (POST) {writes:,} = {100 * writes / max(total, 1):.1f} % of requests",
        flush=True,
    )
    for kind in sorted(window_start_kinds & set(stats.times)):
        times = sorted(stats.times[kind])
        print(
            f"sign-in (before the window) {kind}: n {len(times)}, p50 {percentile(times, 0.5):.0f} ms, "
            f"max {times[-1]:.0f} ms, errors {stats.errors[kind]}"
        )
    if stats.retries:
        print(f"keep-alive reconnects (retried once, not errors): {dict(stats.retries)}")
        print(f"  the connection's previous request: {dict(stats.retry_after.most_common(8))}")
    print(f"errors by kind: {dict(stats.error_kinds) if stats.error_kinds else 0}")
    for sample in stats.samples[:8]:
        print("\n--- " + sample)


class CpuTracker:
    """CPU seconds of some processes while the run lasts, polled from /proc (a process that exits between
    two polls loses at most its last second): gunicorn and its workers, and the PostgreSQL backends serving
    this database only (the server may serve other work too)."""

    def __init__(self, server_pid: int | None, db_name: str) -> None:
        self.server_pid = server_pid
        self.db_marker = f" {db_name} " if db_name else ""
        self.tick = os.sysconf("SC_CLK_TCK")
        self.start: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.start = self._read()
        self.last = dict(self.start)

    def _read(self) -> dict[tuple[str, int], float]:
        seen = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                head, tail = (entry / "stat").read_text().rsplit(")", 1)
                fields = tail.split()
                pid, ppid = int(entry.name), int(fields[1])
                group = ""
                if self.server_pid and self.server_pid in (pid, ppid):
                    group = "gunicorn"
                elif self.db_marker and head.endswith("(postgres"):
                    cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                    if self.db_marker in f"{cmdline} ":
                        group = "postgres"
            except (OSError, ValueError, IndexError):
                continue
            if group:
                seen[(group, pid)] = (int(fields[11]) + int(fields[12])) / self.tick
        return seen

    def poll(self) -> None:
        self.last.update(self._read())

    def used(self, group: str) -> float:
        return sum(v - self.start.get(k, 0.0) for k, v in self.last.items() if k[0] == group)


def box_busy_seconds() -> float:
    """CPU seconds spent by everything on the box (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timeline(stats: Stats, start: float, seconds: float) -> None:
    """Per minute (per tenth of a short run): does the server slow down as the run goes on?"""
    step = 60.0 if seconds >= 300 else max(5.0, seconds / 10)
    buckets: dict[int, list[float]] = defaultdict(list)
    for at, ms in stats.timeline:
        if at >= start:
            buckets[min(int((at - start) // step), max(0, math.ceil(seconds / step) - 1))].append(ms)
    print("\n| from | to | requests/s | p50 | p95 | p99 |\n|---|---|---|---|---|---|")
    for i in sorted(buckets):
        times = sorted(buckets[i])
        print(
            f"| {i * step:.0f} s | {(i + 1) * step:.0f} s | {len(times) / step:.1f} | {percentile(times, 0.5):.0f} ms | "
            f"{percentile(times, 0.95):.0f} ms | {percentile(times, 0.99):.0f} ms |"
        )


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--url", default="http://127.0.0.1:8011", help="a running server (without --serve)")
    parser.add_argument("--serve", action="store_true", help="start gunicorn on --port for the run")
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default 2 × cores + 1)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="with --serve: serve a frozen copy of the code (others edit the tree)",
    )
    parser.add_argument("--no-conf", action="store_true", help=f"ignore {GUNICORN_CONF.relative_to(ROOT)}")
    parser.add_argument("--server-log", default="/tmp/jiujin-soak-gunicorn.log")
    parser.add_argument("--timeout", type=float, default=60, help="client timeout per request, seconds")
    parser.add_argument("--sample", type=int, default=500, help="cadres drawn per login")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    logins = assign_logins(args.clients)
    data = draw_data(rng, Counter(logins), args.sample)
    print(
        f"clients: {args.clients} ({', '.join(f'{u} ×{n}' for u, n in Counter(logins).most_common())}); "
        f"pending visit tasks handed out: {sum(len(d.tasks) for d in data.values()):,}",
        flush=True,
    )
    server = None
    log_offset = 0
    url = args.url.rstrip("/")
    src = snapshot_tree() if args.serve and args.snapshot else ROOT
    if args.serve:
        server, url, log = start_server(args, src)
        log_offset = log.stat().st_size
    try:
        run(args, url, logins, data, rng, server.pid if server else None, log if server else None)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            server_problems(log, log_offset)
        if src != ROOT:
            shutil.rmtree(src)


def assign_logins(clients: int) -> list[str]:
    community = ["demo-community-a", "demo-community-b"] + [
        f"demo-worker-{code}"
        for code in [
            "4299010001003",
            "4299010002001",
            "4299010002002",
            "4299020001001",
            "4299020001002",
            "4299020001003",
            "4299020002001",
            "4299020002002",
        ]
    ]
    pool: list[str] = []
    total = sum(n for _, n in CLIENT_SHARE)
    for who, n in CLIENT_SHARE:
        count = max(1, round(clients * n / total))
        if who == "community":
            pool += [community[i % len(community)] for i in range(count)]
        else:
            pool += [who] * count
    return (pool * 2)[:clients] if len(pool) < clients else pool[:clients]


def run(
    args: argparse.Namespace,
    url: str,
    logins: list[str],
    data: dict[str, LoginData],
    rng: random.Random,
    server_pid: int | None,
    log: Path | None,
) -> None:
    ready = threading.Barrier(len(logins) + 1)
    go = threading.Event()
    window: dict[str, float] = {"end": math.inf}
    stats_list, threads = [], []
    for i, username in enumerate(logins):
        login = data[username]
        ops = [op for op, (_, cap) in OPERATIONS.items() if cap is None or cap in login.capabilities]
        weights = [OPERATIONS[op][0] for op in ops]
        stats = Stats()
        client = Client(url, login, random.Random(rng.random() + i), stats, args.timeout)
        thread = threading.Thread(
            target=client_thread,
            args=(client, ops, weights, ready, go, window),
            daemon=True,
            name=f"client-{i}",
        )
        stats_list.append(stats)
        threads.append(thread)
    db_start = datetime.now().astimezone()
    sign_in_start = time.monotonic()
    for thread in threads:
        thread.start()
    # Everybody signs in first; the measured window starts when the last one has.
    ready.wait()
    start = time.monotonic()
    window["end"] = start + args.seconds
    cpu_start = (time.process_time(), box_busy_seconds())
    tracker = CpuTracker(server_pid, DB_NAME[0] if DB_NAME else "")
    log_start = log.stat().st_size if log else 0
    go.set()
    print(
        f"signed in {len(threads)} clients in {start - sign_in_start:.1f} s; running {args.seconds:.0f} s",
        flush=True,
    )
    next_report = start + 30
    last_done = 0
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        tracker.poll()
        now = time.monotonic()
        if now >= next_report and now < window["end"]:
            done = sum(s.done for s in stats_list)
            errors = sum(sum(s.errors.values()) for s in stats_list)
            print(
                f"  {now - start:5.0f} s  {done:8,} requests  {(done - last_done) / 30:6.1f} /s  errors {errors}",
                flush=True,
            )
            last_done, next_report = done, next_report + 30
    elapsed = time.monotonic() - start
    tracker.poll()
    log_end = log.stat().st_size if log else 0
    client_cpu = time.process_time() - cpu_start[0]
    box_cpu = box_busy_seconds() - cpu_start[1]
    server_cpu, pg_cpu = tracker.used("gunicorn"), tracker.used("postgres")
    merged = Stats()
    for s in stats_list:
        for kind, times in s.times.items():
            merged.times[kind].extend(times)
        merged.errors.update(s.errors)
        merged.error_kinds.update(s.error_kinds)
        merged.retries.update(s.retries)
        merged.retry_after.update(s.retry_after)
        merged.samples += s.samples
        merged.timeline += s.timeline
    report(merged, elapsed, {"login GET", "login POST", "api token POST"})
    timeline(merged, start, args.seconds)
    if log:
        server_times(log, log_start, log_end)
    cores = os.cpu_count() or 1
    print(
        f"\nCPU during the window ({cores} cores × {elapsed:.0f} s = {cores * elapsed:.0f} CPU-s): "
        f"box busy {box_cpu:.0f} CPU-s; this client process {client_cpu:.0f}"
        + (f", gunicorn {server_cpu:.0f}" if server_pid else "")
        + f", PostgreSQL backends of this database {pg_cpu:.0f}"
        + f", everything else on the box {box_cpu - client_cpu - server_cpu - pg_cpu:.0f}",
        flush=True,
    )
    print(f"rows written since the start (database): {db_counts(db_start)}", flush=True)


if __name__ == "__main__":
    main()
