"""Where apps plug into shared places: the menu, the cadre page, the daily loop, the kinds of task.

Each app registers its entries in its `AppConfig.ready()`; `base.html`, the cadre page and the loop read
the registries and name no app. So an app is added (or removed) without editing another one, and the
ground floor (lib, orgs, accounts, audit, cadres, core) never imports the floors above it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    # Entries of one group fold under its name (a drop-down), at the place of the group's first entry; a group
    # left with one entry for this user is that plain link.
    group: str = ""


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
    until the hour that setting names (e.g. the reminder hour). With `every_pass`, the loop runs it on every
    pass (still under the cross-host lock), not once a day (e.g. keeping the recent summaries fresh)."""

    name: str
    run: Callable[[date, date | None], str]
    order: int
    hour_setting: str = ""
    every_pass: bool = False


@dataclass(frozen=True)
class AgendaLink:
    """A button at the top of the worker's agenda (e.g. the visits app's 完成情况). `show(user)` narrows it
    beyond the capability."""

    label: str
    url_name: str
    order: int
    capability: str = ""
    show: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class AgendaPanel:
    """A section below the agenda's tasks: `render(request)` returns its HTML as a SafeString, or ""."""

    name: str
    render: Callable[[Any], str]
    order: int
    capability: str = ""


# The task table stores the kind's code in a column of this width (tasks.VisitTask.kind).
TASK_KIND_MAX_LENGTH = 16


@dataclass(frozen=True)
class TaskKind:
    """A kind of task an app creates on the tasks app's agenda (生日祝寿, 上门巡诊, 方案服务 …).

    `code` is what the task row stores (at most TASK_KIND_MAX_LENGTH characters, never changed once used);
    `label` is shown and `order` sorts the kinds in stats. `scheduled` kinds are planned ahead by a rule
    (birthdays, holidays, 巡诊, plan services): their pending tasks are cancelled when a cadre's file is
    closed; the others (called for by an event) stay open for the worker to close."""

    code: str
    label: str
    order: int
    scheduled: bool = False

    def __post_init__(self) -> None:
        if not self.code or len(self.code) > TASK_KIND_MAX_LENGTH:
            raise ValueError(f"task kind code {self.code!r}: 1 to {TASK_KIND_MAX_LENGTH} characters")


_menu: dict[str, MenuEntry] = {}
_actions: dict[str, CadreAction] = {}
_panels: dict[str, CadrePanel] = {}
_jobs: dict[str, DailyJob] = {}
_task_kinds: dict[str, TaskKind] = {}
_agenda_links: dict[str, AgendaLink] = {}
_agenda_panels: dict[str, AgendaPanel] = {}


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


def task_kind_register(*kinds: TaskKind) -> None:
    for kind in kinds:
        known = _task_kinds.get(kind.code)
        if known is not None and known != kind:
            raise ValueError(f"task kind {kind.code!r} is already registered as {known.label}")
        _task_kinds[kind.code] = kind


def agenda_links_register(*links: AgendaLink) -> None:
    for link in links:
        _agenda_links[link.url_name] = link


def agenda_panel_register(panel: AgendaPanel) -> None:
    _agenda_panels[panel.name] = panel


def _allowed(user: Any, capability: str) -> bool:
    return not capability or user.can(capability)


def menu_for(user: Any) -> list[dict[str, Any]]:
    """The links this user may follow, in order, as {label, url, badge_url}; a group as {label, children}.

    Volunteers and a work unit's contact ("work_unit", the role's value) see only the entries named for them."""
    if not user.is_authenticated:
        return []
    whom = user.role if user.role in {VOLUNTEER, "work_unit"} else STAFF
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    allowed: dict[str, bool] = {}  # each capability asked once: many entries share one
    for e in sorted(_menu.values(), key=lambda e: e.order):
        if whom not in e.for_whom:
            continue
        if e.capability not in allowed:
            allowed[e.capability] = _allowed(user, e.capability)
        if not allowed[e.capability]:
            continue
        badge = reverse(e.badge_url_name) if e.badge_url_name else ""
        link = {"label": e.label, "url": reverse(e.url_name), "badge_url": badge}
        if not e.group:
            items.append(link)
        elif e.group in groups:
            groups[e.group]["children"].append(link)
        else:
            groups[e.group] = {"label": e.group, "url": "", "badge_url": "", "children": [link]}
            items.append(groups[e.group])
    return [item["children"][0] if len(item.get("children", ())) == 1 else item for item in items]


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


def task_kinds() -> list[TaskKind]:
    return sorted(_task_kinds.values(), key=lambda k: (k.order, k.code))


def task_kind(code: str) -> TaskKind | None:
    return _task_kinds.get(code)


def agenda_links_for(user: Any) -> list[dict[str, str]]:
    """The agenda's extra buttons for this user, as {label, url}."""
    return [
        {"label": link.label, "url": reverse(link.url_name)}
        for link in sorted(_agenda_links.values(), key=lambda link: link.order)
        if _allowed(user, link.capability) and (link.show is None or link.show(user))
    ]


def agenda_panels_for(request: Any) -> list[str]:
    return [
        html
        for p in sorted(_agenda_panels.values(), key=lambda p: p.order)
        if _allowed(request.user, p.capability) and (html := p.render(request))
    ]


# ---------------------------------------------------------------- home ("today")


@dataclass(frozen=True)
class HomePanel:
    """A section of a community worker's home ("today"): `render(request)` returns its HTML as a SafeString,
    or "" when there is nothing to act on. `roles` narrows it to some roles (empty: every worker's home); a
    street, district or city home shows only the panels whose `roles` name its role."""

    name: str
    render: Callable[[Any], str]
    order: int
    capability: str = ""
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ContactSource:
    """One kind of contact with a cadre (a visit, a call, a volunteer's log, a check-up …).

    `last_contact()` returns an expression over a Cadre queryset (a Subquery on `OuterRef("pk")`) giving the
    date of the cadre's latest contact of that kind, or NULL: the home's "no contact for 30 days" list
    annotates every source, so it names no app."""

    name: str
    label: str
    last_contact: Callable[[], Any]


@dataclass(frozen=True)
class UnitFigure:
    """A column of a street or district user's home, one figure per unit.

    `by_community(user, communities, today)` returns {community id: (part, whole)} for the communities of
    the queryset (already in the user's scope) from one grouped query; units add their communities' pairs.
    Shown as `part`, or as part/whole in % with `percent`; `alarm` marks a figure where more is worse."""

    key: str
    label: str
    order: int
    by_community: Callable[[Any, Any, date], dict[int, tuple[int, int]]]
    percent: bool = False
    alarm: bool = False
    capability: str = ""


_home_panels: dict[str, HomePanel] = {}
_contact_sources: dict[str, ContactSource] = {}
_unit_figures: dict[str, UnitFigure] = {}


def home_panel_register(*panels: HomePanel) -> None:
    for panel in panels:
        _home_panels[panel.name] = panel


def contact_source_register(*sources: ContactSource) -> None:
    for source in sources:
        _contact_sources[source.name] = source


def unit_figure_register(*figures: UnitFigure) -> None:
    for figure in figures:
        _unit_figures[figure.key] = figure


def home_panels_for(request: Any, *, named_only: bool = False) -> list[str]:
    """The panels of this user's home. A supervisor's home (`named_only`) shows only the panels whose `roles`
    name the user's role: a panel for every role means every worker's, not a district's."""
    user = request.user
    return [
        html
        for p in sorted(_home_panels.values(), key=lambda p: p.order)
        if _allowed(user, p.capability)
        and (user.role in p.roles if named_only or p.roles else True)
        and (html := p.render(request))
    ]


def contact_sources() -> list[ContactSource]:
    return sorted(_contact_sources.values(), key=lambda s: s.name)


def unit_figures_for(user: Any) -> list[UnitFigure]:
    return [f for f in sorted(_unit_figures.values(), key=lambda f: f.order) if _allowed(user, f.capability)]


# ---------------------------------------------------------------- groups of cadres defined by other apps


@dataclass(frozen=True)
class CadreGroup:
    """A kind of group of cadres an app keeps (a party branch's members, a team …) that others may target
    (an event's audience, a survey's sample) without importing that app.

    `choices(user)` lists the groups this user may pick, as (value, label); `q(value)` returns a Q over Cadre
    selecting the group's current members (by `pk__in` a subquery, so it composes with any filter)."""

    code: str
    label: str
    choices: Callable[[Any], list[tuple[str, str]]]
    q: Callable[[str], Any]


_cadre_groups: dict[str, CadreGroup] = {}
_party_members: list[Callable[[], Any]] = []


def cadre_group_register(*groups: CadreGroup) -> None:
    for group in groups:
        _cadre_groups[group.code] = group


def cadre_groups() -> list[CadreGroup]:
    return sorted(_cadre_groups.values(), key=lambda g: g.code)


def cadre_group(code: str) -> CadreGroup | None:
    return _cadre_groups.get(code)


def party_members_register(q: Callable[[], Any]) -> None:
    """Who counts as a party member (the 七一 visits, party audiences): the app that keeps the membership
    registers a Q factory here; without one, the cadre's own 中共党员 box decides."""
    _party_members[:] = [q]


def party_members_q() -> Any:
    from django.db.models import Q  # here: this module is read by apps' ready() before models load

    return _party_members[0]() if _party_members else Q(is_party_member=True)


# ---------------------------------------------------------------- metrics an assessment can score


@dataclass(frozen=True)
class Metric:
    """A figure computed from recorded data for a unit and a year, which an assessment item (千分考评) binds to.

    `by_community(community_ids, start, end)` returns {community id: (part, whole)} for those communities
    from grouped queries over [start, end] (a community with nothing to count may be left out). A unit's
    figure sums parts and wholes over its communities, so every level is computed the same way:
    - "rate": part / whole × 100, shown in % (e.g. visits done on time / visits due);
    - "ratio": part / whole (e.g. attendances per cadre, days to answer per answered opinion);
    - "count": the sum of parts (e.g. health lectures held); `whole` is ignored.
    A unit whose whole is 0 (for rate and ratio) has no figure (None), which is not the same as 0.
    `higher_is_better` tells the point rule which way to read its thresholds."""

    code: str
    label: str
    kind: str  # "rate" | "ratio" | "count"
    unit_label: str  # shown after the value: "%", "次/人", "天", "场"
    order: int
    by_community: Callable[[list[int], date, date], dict[int, tuple[float, float]]]
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if self.kind not in {"rate", "ratio", "count"}:
            raise ValueError(f"metric {self.code!r}: kind must be rate, ratio or count")

    def value(self, part: float, whole: float) -> float | None:
        if self.kind == "count":
            return part
        if not whole:
            return None
        return part / whole * (100 if self.kind == "rate" else 1)


_metrics: dict[str, Metric] = {}


def metric_register(*metrics: Metric) -> None:
    for metric in metrics:
        _metrics[metric.code] = metric


def metrics() -> list[Metric]:
    return sorted(_metrics.values(), key=lambda m: (m.order, m.code))


def metric(code: str) -> Metric | None:
    return _metrics.get(code)


# ---------------------------------------------------------------- links offered after a visit is recorded


@dataclass(frozen=True)
class VisitFollowUp:
    """Links the "record a visit" page offers once a visit is recorded (e.g. 填写问卷 while a running survey
    targets the cadre): `links(user, record)` returns [(label, url)] for this VisitRecord, [] for none."""

    name: str
    links: Callable[[Any, Any], list[tuple[str, str]]]


_visit_follow_ups: dict[str, VisitFollowUp] = {}


def visit_follow_up_register(*follow_ups: VisitFollowUp) -> None:
    for follow_up in follow_ups:
        _visit_follow_ups[follow_up.name] = follow_up


def visit_follow_ups_for(user: Any, record: Any) -> list[tuple[str, str]]:
    return [
        link
        for f in sorted(_visit_follow_ups.values(), key=lambda f: f.name)
        for link in f.links(user, record)
    ]


# ---------------------------------------------------------------- ledgers (台账) of the bundle


@dataclass(frozen=True)
class LedgerSheet:
    """One sheet of the 台账 bundle (reports app): an app's ledger of a unit over a period.

    `rows(user, unit, start, end, cadre_ids)` yields the sheet's rows in `columns` order for the unit's
    subtree, already in the user's scope, from set-based queries (a fixed number whatever the rows); it adds
    the ids of the cadres it names to `cadre_ids` (the bundle audits them). `count(user, unit, start, end)`
    is the number of rows the sheet will hold (the page shows it before downloading). A first column
    "序号" is numbered by the bundle. `personal`: the sheet names cadres (the bundle is then a personal-data
    export). Another app adds rows to a sheet with a LedgerPart."""

    code: str
    title: str
    order: int
    columns: Sequence[tuple[str, float]]
    rows: Callable[[Any, Any, date, date, set[int]], Any]
    count: Callable[[Any, Any, date, date], int]
    personal: bool = True


@dataclass(frozen=True)
class LedgerPart:
    """Rows another app adds to a registered sheet (e.g. the health app's check-up days on the 健康讲座和义诊
    sheet): `rows` yields mappings {header: value} over the sheet's headers (missing ones stay blank), so the
    app names no other app's columns. Same arguments as LedgerSheet's."""

    sheet: str
    name: str
    order: int
    rows: Callable[[Any, Any, date, date, set[int]], Any]
    count: Callable[[Any, Any, date, date], int]


_ledger_sheets: dict[str, LedgerSheet] = {}
_ledger_parts: dict[tuple[str, str], LedgerPart] = {}


def ledger_sheet_register(*sheets: LedgerSheet) -> None:
    for sheet in sheets:
        _ledger_sheets[sheet.code] = sheet


def ledger_part_register(*parts: LedgerPart) -> None:
    for part in parts:
        _ledger_parts[(part.sheet, part.name)] = part


def ledger_sheets() -> list[LedgerSheet]:
    return sorted(_ledger_sheets.values(), key=lambda s: (s.order, s.code))


def ledger_parts(sheet: str) -> list[LedgerPart]:
    return sorted((p for p in _ledger_parts.values() if p.sheet == sheet), key=lambda p: (p.order, p.name))


# ---------------------------------------------------------------- figures the summary tables keep


@dataclass(frozen=True)
class SummaryFigure:
    """A count the summary tables (dashboards app) keep per unit and day, read by the dashboards, the API and
    the work report instead of the raw rows.

    `rows(start, end)` yields (community id, day, key, value) over every community, from grouped queries:
    - a flow (`stock=False`) counts what happened on each day in [start, end] (visits done that day, by the day
      they were done); a period's figure is the sum over its days;
    - a stock (`stock=True`) is called with start = end = today and counts what stands today (active cadres);
      it is kept as a daily snapshot, and a period's figure is the last snapshot on or before its end.
    `key` is "" for the figure itself or a breakdown's key (stored under "code:key", labelled by
    `breakdown()` -> {key: label}); the figure's own row is the total, so a breakdown need not add up to it.
    Rows of value 0 may be left out. The loop recomputes them (see dashboards.services): a figure must depend
    only on the database and `today`, never on the user.

    `of`: the figure is a share of another one (requests answered on time of `requests`), shown as
    value / of × 100 %, or as value / of when `ratio` (rating points per rated request).
    `cadres(community_ids, start, end, key)` is the queryset of the cadres behind the number (the list a
    dashboard's number links to), None when the figure counts no cadres."""

    code: str
    label: str
    section: str
    order: int
    rows: Callable[[date, date], Any]
    stock: bool = False
    unit_label: str = ""
    breakdown: Callable[[], dict[str, str]] | None = None
    of: str = ""
    ratio: bool = False
    cadres: Callable[[list[int], date, date, str], Any] | None = None


_summary_figures: dict[str, SummaryFigure] = {}


def summary_figure_register(*figures: SummaryFigure) -> None:
    for figure in figures:
        _summary_figures[figure.code] = figure


def summary_figures() -> list[SummaryFigure]:
    return sorted(_summary_figures.values(), key=lambda f: (f.order, f.code))


def summary_figure(code: str) -> SummaryFigure | None:
    return _summary_figures.get(code)
