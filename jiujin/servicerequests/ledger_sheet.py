"""The 服务工单 sheet of the 台账 bundle: the requests received for the unit's cadres in the period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.core.registry import LedgerSheet, ledger_sheet_register
from jiujin.orgs.models import OrgUnit

from .models import WAITING_STATES, RequestState, ServiceRequest
from .selectors import requests_for_user

CHUNK = 2000
COLUMNS: list[tuple[str, float]] = [
    ("序号", 6), ("受理时间", 17), ("老干部", 10), ("所在社区", 14), ("服务类别", 10), ("紧急程度", 8),
    ("需求描述", 36), ("受理人", 10), ("处理人", 16), ("状态", 6), ("到达时间", 17), ("是否按时", 8),
    ("满意度", 8), ("评价", 24),
]  # fmt: skip


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _on_time(r: ServiceRequest, now: datetime) -> str:
    if r.arrived_at:
        return "是" if r.arrived_at <= r.due_at else "否"
    if r.state in WAITING_STATES:
        return "否" if r.due_at < now else "未到时限"
    return ""  # cancelled before anyone went


def _requests(user: User, unit: OrgUnit, start: date, end: date) -> Any:
    units = OrgUnit.objects.subtree_of(unit).values("pk")
    after = timezone.make_aware(datetime.combine(start, time.min))
    before = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return requests_for_user(user).filter(
        cadre__community_id__in=units, created_at__gte=after, created_at__lt=before
    )


def rows(user: User, unit: OrgUnit, start: date, end: date, cadre_ids: set[int]) -> Iterator[list[Any]]:
    now = timezone.now()
    qs = _requests(user, unit, start, end).select_related(
        "cadre__community", "created_by", "assignee_user", "assignee_volunteer"
    )
    for r in qs.order_by("created_at", "id").iterator(CHUNK):
        cadre_ids.add(r.cadre_id)
        yield [
            None, _local(r.created_at), r.cadre.name, r.cadre.community.name, r.get_category_display(),
            r.get_urgency_display(), r.description, r.created_by.display_name if r.created_by else "",
            r.assignee_label, RequestState(r.state).label, _local(r.arrived_at), _on_time(r, now),
            r.get_satisfaction_display() if r.satisfaction else "", r.satisfaction_comment,
        ]  # fmt: skip


def count(user: User, unit: OrgUnit, start: date, end: date) -> int:
    return _requests(user, unit, start, end).count()


def register() -> None:
    ledger_sheet_register(LedgerSheet("servicerequests", "服务工单", 30, COLUMNS, rows, count))
