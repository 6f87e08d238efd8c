"""Read-side queries of the cadre registry: the scoped querysets the pages and the API list, one cadre fetched
and authorized, the detail page's history and the per-community must-knows (四知) summary.

Scoping goes only through `Cadre.objects.for_user`; writes live in `services`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.query import prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.orgs.models import OrgUnit

from .models import MUST_KNOWS, Cadre, CadreQuerySet

# What the detail page's 修改记录 shows: writes, not looks.
HISTORY_ACTIONS = [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.STATUS, AuditAction.IMPORT]
HISTORY_LIMIT = 20
COMPLETENESS_CACHE_SECONDS = 300


def cadres_for_user(user: User) -> CadreQuerySet:
    """The registry as the user may read it (the list page and the API start here)."""
    return Cadre.objects.for_user(user)


def cadres_listed(qs: CadreQuerySet) -> CadreQuerySet:
    """A (filtered) registry queryset ready for a list row: the community is shown on every row."""
    return qs.select_related("community")


def cadre_rows(ids: list[int]) -> CadreQuerySet:
    """One list page's rows by key (the keyed pager found the keys), each with its `known_count` (四知, 0–4).

    Annotated here, on 30 keys, the must-knows are index probes per row; annotating the paged list itself
    makes PostgreSQL hash the whole family and tag tables (seconds at 1M rows)."""
    return cadres_listed(Cadre.objects.filter(pk__in=ids)).with_completeness()


def get_cadre_for_user(user: User, pk: Any) -> Cadre:
    """Fetch and authorize in one call: out of scope is indistinguishable from missing (404)."""
    try:
        return (
            Cadre.objects.for_user(user)
            .select_related("community__parent", "work_unit", "responsible_worker")
            .get(pk=pk)
        )
    except (Cadre.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该老干部") from exc


def cadre_with_details(user: User, pk: Any) -> Cadre:
    """`get_cadre_for_user` with the tags and family contacts the detail page and record show."""
    cadre = get_cadre_for_user(user, pk)
    prefetch_related_objects([cadre], "family_contacts", "tags")
    return cadre


def cadre_history(cadre: Cadre, *, limit: int = HISTORY_LIMIT) -> QuerySet[AuditEvent]:
    """The latest writes to the cadre's record (created, edited, status changes, imports), newest first."""
    return (
        AuditEvent.objects.filter(cadre_id=cadre.pk, action__in=HISTORY_ACTIONS)
        .select_related("user")
        .order_by("-at", "-id")[:limit]
    )


def must_knows_counts(cadres: CadreQuerySet) -> QuerySet[Any, Any]:
    """Per community of these cadres, one GROUP BY: `total` cadres, `known` must-knows filled (0–4 each),
    `complete` cadres with all four, `knows_<key>` cadres with each. The 四知 table, the assessment's
    Metric and the summary figures all count here."""
    sums = {f"knows_{key}": Sum(f"knows_{key}") for key, _label in MUST_KNOWS}
    return (
        cadres.with_completeness()
        .order_by()
        .values("community_id")
        .annotate(
            total=Count("id"),
            known=Sum("known_count"),
            complete=Count("id", filter=Q(known_count=len(MUST_KNOWS))),
            **sums,
        )
    )


def completeness_summary(user: User) -> list[dict[str, Any]]:
    """Per visible community: active cadres and how many of them have each must-know filled.

    Two queries whatever the size: the communities, and one GROUP BY over the annotated cadres.
    """
    rows = must_knows_counts(Cadre.objects.for_user(user).active())
    by_community = {row["community_id"]: row for row in rows}
    summary = []
    for unit in OrgUnit.objects.for_user(user).communities().only("id", "name"):
        row: Mapping[str, Any] = by_community.get(unit.id, {})
        summary.append(
            {
                "community": unit,
                "total": row.get("total", 0),
                "known": [(label, row.get(f"knows_{key}") or 0) for key, label in MUST_KNOWS],
            }
        )
    return summary


@dataclass(frozen=True)
class CachedSummary:
    rows: list[dict[str, Any]]
    computed_at: datetime


def completeness_summary_cached(user: User, *, refresh: bool = False) -> CachedSummary:
    """`completeness_summary`, shared per scope (role and unit) for a few minutes: a full scan at city scale.

    The table may so lag the live list by a few minutes; it says when it was counted (`computed_at`) and
    `refresh` counts again now (the table's 刷新), so its figures never silently disagree with the list."""
    key = f"completeness:{user.role}:{'*' if user.sees_everything else user.org_unit_id}"
    summary = None if refresh else cache.get(key)
    if not isinstance(summary, CachedSummary):  # missing, or left by an older release
        summary = CachedSummary(rows=completeness_summary(user), computed_at=timezone.now())
        cache.set(key, summary, COMPLETENESS_CACHE_SECONDS)
    return summary
