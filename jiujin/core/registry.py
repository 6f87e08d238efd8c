"""Where apps plug into shared places: the menu, the cadre page, the daily loop.

Each app registers its entries in its `AppConfig.ready()`; `base.html`, the cadre page and the loop read
the registries and name no app. So an app is added (or removed) without editing another one, and the
ground floor (lib, orgs, accounts, audit, cadres, core) never imports the floors above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse

STAFF = "staff"
VOLUNTEER = "volunteer"


@dataclass(frozen=True)
class MenuEntry:
    """A link in the top navigation. `for_whom`: STAFF, VOLUNTEER or both; `capability` narrows it."""

    label: str
    url_name: str
    order: int
    capability: str = ""
    for_whom: frozenset[str] = frozenset({STAFF})
    badge_url_name: str = ""  # an htmx fragment shown after the link (e.g. the reminder count)


@dataclass(frozen=True)
class CadreAction:
    """A button on a cadre's page. With `query` the cadre goes in `?cadre=<pk>`, else in the path."""

    label: str
    url_name: str
    order: int
    capability: str = ""
    query: bool = False
    active_only: bool = False  # only while the cadre's file is open
    new_tab: bool = False


@dataclass(frozen=True)
class CadrePanel:
    """A section of a cadre's page: `render(request, cadre)` returns its HTML as a SafeString (from
    render_to_string or format_html; a plain str is escaped), or "" to show nothing."""

    name: str
    render: Callable[[Any, Any], str]
    order: int
    capability: str = ""


@dataclass(frozen=True)
class DailyJob:
    """A step of the daily loop, run once a day for the whole installation (see core/jobs.py).

    `run(today, through)` returns a one-line Chinese report and must be idempotent; `through` is the last
    day to plan for when given by hand (`schedule-visits --through`). With `hour_setting`, the loop waits
    until the hour that setting names (e.g. the reminder hour)."""

    name: str
    run: Callable[[date, date | None], str]
    order: int
    hour_setting: str = ""


_menu: dict[str, MenuEntry] = {}
_actions: dict[str, CadreAction] = {}
_panels: dict[str, CadrePanel] = {}
_jobs: dict[str, DailyJob] = {}


def menu_register(*entries: MenuEntry) -> None:
    for entry in entries:
        _menu[entry.url_name] = entry  # keyed, so a second ready() call replaces rather than doubles


def cadre_actions_register(*actions: CadreAction) -> None:
    for action in actions:
        _actions[action.url_name] = action


def cadre_panel_register(panel: CadrePanel) -> None:
    _panels[panel.name] = panel


def daily_job_register(job: DailyJob) -> None:
    _jobs[job.name] = job


def _allowed(user: Any, capability: str) -> bool:
    return not capability or user.can(capability)


def menu_for(user: Any) -> list[dict[str, str]]:
    """The links this user may follow, in order, as {label, url, badge_url}."""
    if not user.is_authenticated:
        return []
    whom = VOLUNTEER if user.role == VOLUNTEER else STAFF
    return [
        {
            "label": e.label,
            "url": reverse(e.url_name),
            "badge_url": reverse(e.badge_url_name) if e.badge_url_name else "",
        }
        for e in sorted(_menu.values(), key=lambda e: e.order)
        if whom in e.for_whom and _allowed(user, e.capability)
    ]


def cadre_actions_for(user: Any, cadre: Any) -> list[dict[str, Any]]:
    """The buttons of a cadre's page for this user, as {label, url, new_tab}."""
    rows = []
    for a in sorted(_actions.values(), key=lambda a: a.order):
        if not _allowed(user, a.capability) or (a.active_only and cadre.status != "active"):
            continue
        url = f"{reverse(a.url_name)}?cadre={cadre.pk}" if a.query else reverse(a.url_name, args=[cadre.pk])
        rows.append({"label": a.label, "url": url, "new_tab": a.new_tab})
    return rows


def cadre_panels_for(request: Any, cadre: Any) -> list[str]:
    return [
        html
        for p in sorted(_panels.values(), key=lambda p: p.order)
        if _allowed(request.user, p.capability) and (html := p.render(request, cadre))
    ]


def daily_jobs() -> list[DailyJob]:
    return sorted(_jobs.values(), key=lambda j: j.order)
