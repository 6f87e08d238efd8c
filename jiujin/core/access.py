"""The access policy: the one place that decides, by role, capability and scope, who may reach what.

Every page and API operation declares its rule with `@access(...)`; the middleware (pages) and
`enforce_api_rules` (API) refuse anything that declares none, so a new route fails closed. Object-level
checks go through accessors (`access_cadre(user, pk, need=…)` and friends) that fetch and authorize in one
call and raise `NoAccess`: "no such object" and "not yours" are the same 404 answer.

Scope:
- staff (city/district/street/community users) reach the cadres of the communities under their unit;
  admins reach everything;
- volunteers reach no staff scope at all — only their own current pairings, through the volunteer pages;
- a former work unit's contact (原单位老干部工作联系人, `Role.WORK_UNIT`) reaches no staff scope either, and
  every rule refuses them (404) unless it admits them by name (`WORK_UNIT`, `STAFF_OR_WORK_UNIT`,
  `SIGNED_IN`): what they may see (their retirees' names, the opinions routed to them) is decided by the
  opinions app's accessors, so a new route never opens to them by accident.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404

if TYPE_CHECKING:
    from jiujin.accounts.models import User
    from jiujin.orgs.models import OrgUnit

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class NoAccess(Http404):
    """Out of scope or missing: pages and the API both answer 404 (a subclass of Http404 for that)."""


@dataclass(frozen=True)
class Rule:
    """Who may call a view at all. Object scope is checked by the accessors the view calls."""

    name: str
    login: bool = True
    staff: bool = False  # non-volunteer users only (volunteers get 404)
    volunteer: bool = False  # volunteer logins only (staff get 404)
    admin: bool = False  # users who see everything only (others get 404)
    capability: str | None = None  # missing it is 403: the id is not what decides
    work_unit: bool = False  # admits a former work unit's contact (every other rule refuses them: 404)
    work_unit_only: bool = False  # work-unit contacts only (staff and volunteers get 404)

    def check(self, user: Any) -> None:
        """Raise NoAccess (404) or PermissionDenied (403); anonymous users are the caller's business."""
        if not self.login:
            return
        if not user.is_authenticated or not user.is_active:
            raise NoAccess("请先登录")
        if is_work_unit(user):
            if not self.work_unit:
                raise NoAccess("没有找到该页面")
        elif self.work_unit_only:
            raise NoAccess("该页面供原单位联系人使用")
        if self.admin and not user.sees_everything:
            raise NoAccess("没有找到该页面")
        if self.staff and is_volunteer(user):
            raise NoAccess("没有找到该页面")
        if self.volunteer and not is_volunteer(user):
            raise NoAccess("该页面供志愿者使用")
        if self.capability and not user.can(self.capability):
            raise PermissionDenied("没有权限进行此操作")


PUBLIC = Rule("public", login=False)
LOGIN = Rule("login")  # any signed-in user: their own account pages, the menu's badges
STAFF = Rule("staff", staff=True)
VOLUNTEER = Rule("volunteer", volunteer=True)
ADMIN = Rule("admin", admin=True)
# A former work unit's contact: their own pages; shared pages (an opinion routed to them) admit both.
WORK_UNIT = Rule("work_unit", work_unit=True, work_unit_only=True)
STAFF_OR_WORK_UNIT = Rule("staff|work_unit", staff=True, work_unit=True)
# Any signed-in user, a work unit's contact included: their own account and the home page that sends them on.
SIGNED_IN = Rule("signed_in", work_unit=True)


def staff(capability: str | None = None) -> Rule:
    """Staff with this capability; volunteers and work units' contacts get 404."""
    return Rule(f"staff:{capability}" if capability else "staff", staff=True, capability=capability)


def access(rule: Rule) -> Callable[[F], F]:
    """Declare a view's or API operation's rule. functools.wraps copies it onto any outer decorator."""

    def mark(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return mark


def rule_of(view: Any) -> Rule | None:
    rule = getattr(view, "access_rule", None)
    if rule is None and hasattr(view, "view_class"):  # class-based views: the rule sits on the class
        rule = getattr(view.view_class, "access_rule", None)
    return rule


# ---------------------------------------------------------------- roles and scope


def is_volunteer(user: User) -> bool:
    return bool(user.is_authenticated and user.role == "volunteer" and not user.sees_everything)


def is_work_unit(user: User) -> bool:
    """A former work unit's contact (原单位老干部工作联系人): outside the tree, no staff scope."""
    return bool(user.is_authenticated and user.role == "work_unit" and not user.sees_everything)


def staff_community_ids(user: User) -> list[int] | None:
    """The communities whose cadres a staff user reaches; None means all; [] means none.

    Volunteers and work units' contacts reach none here (fail closed): what a pairing or a work unit lets
    them see is decided by the volunteer pages' and the opinions app's accessors.
    """
    if not user.is_authenticated or not user.is_active or is_volunteer(user) or is_work_unit(user):
        return []
    if user.sees_everything:
        return None
    if user.org_unit_id is None:
        return []
    return user.community_ids()


def access_unit(
    user: User, code: str, *, community: bool = False, message: str = "没有找到该单位"
) -> OrgUnit:
    """The unit with this code in the user's staff scope (a community only, with `community`); else NoAccess.

    The one unit-by-code lookup of pages and API. Volunteers reach no unit here: they have no staff scope.
    """
    from jiujin.orgs.models import OrgUnit  # here: models modules (cadres) import this one while loading

    outside = is_volunteer(user) or is_work_unit(user)
    units = OrgUnit.objects.none() if outside else OrgUnit.objects.for_user(user)
    if community:
        units = units.communities()
    unit = units.filter(code=code).select_related("parent").first()
    if unit is None:
        raise NoAccess(message)
    return unit


def resolve_unit(user: User, code: str) -> OrgUnit:
    """The unit by code in the user's scope (404 outside it); by default the user's own (the top of the tree
    for one who sees everything). The unit of the dashboards, the work report and the 台账 bundle."""
    if code:
        return access_unit(user, code)
    if user.org_unit is not None:
        return user.org_unit
    from jiujin.orgs.models import OrgUnit  # here: see access_unit

    top = OrgUnit.objects.for_user(user).filter(parent__isnull=True).order_by("code").first()
    if top is None:
        raise NoAccess("没有找到该单位")
    return top


def require(user: User, capability: str) -> None:
    if not user.can(capability):
        raise PermissionDenied("没有权限进行此操作")


# ---------------------------------------------------------------- enforcement


def enforce_api_rules(api: Any) -> None:
    """Wrap every API operation so it runs only under its declared rule; one without a rule answers 404."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if not getattr(operation.view_func, "_access_enforced", False):
                    operation.view_func = _guarded(operation.view_func)


def _guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    rule = rule_of(func)

    @functools.wraps(func)  # keeps the name, so OpenAPI's operationId says which operation it is
    def run(request: Any, *args: Any, **kwargs: Any) -> Any:
        if rule is None:
            log.error("API operation %s declares no access rule: refused", func.__qualname__)
            raise NoAccess("没有找到该接口")
        rule.check(request.user)
        return func(request, *args, **kwargs)

    run._access_enforced = True  # type: ignore[attr-defined]
    run.access_rule = rule  # type: ignore[attr-defined]
    return run


def unruled_api_operations(api: Any) -> list[str]:
    missing = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if rule_of(operation.view_func) is None:
                    missing.append(f"{','.join(operation.methods)} {prefix}{path}")
    return missing


def unruled_url_patterns() -> list[str]:
    """Page routes (outside the API, which `unruled_api_operations` covers) that declare no rule."""
    from django.urls import get_resolver

    return [route for route, view in iter_page_routes(get_resolver()) if rule_of(view) is None]


def iter_page_routes(resolver: Any, prefix: str = "", namespaces: tuple[str, ...] = ()) -> Any:
    """(route, view) of every page pattern, skipping the API's own URLs."""
    from django.urls import URLPattern, URLResolver

    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            if "api" in ns:
                continue
            yield from iter_page_routes(pattern, route, ns)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback
