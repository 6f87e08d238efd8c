"""Events name their subject generically; the log labels each change by the subject's own fields."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.audit.services import Actor, diff, field_label, snapshot, subject_label
from jiujin.health.models import Condition
from jiujin.health.services import health_item_create, health_item_update
from jiujin.health.services import snapshot as health_snapshot
from jiujin.plans.services import plan_create, plan_update

URL = "/audit/"
AUDIT_DIR = Path(__file__).resolve().parents[1]


def _changes_on_page(client: Any) -> str:
    return client.get(URL).content.decode()


def test_it_labels_a_health_condition_by_its_own_fields(cast: Any, cadre_a: Any, client_for: Any) -> None:
    actor = Actor(user=cast.community_a)
    condition = health_item_create(actor=actor, cadre=cadre_a, item=Condition(name="高血压"))
    before = health_snapshot(condition)
    condition.name = "糖尿病"
    health_item_update(actor=actor, item=condition, before=before)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert (event.subject_type, event.subject_id, event.cadre_id) == (
        "health.condition",
        str(condition.pk),
        cadre_a.pk,
    )
    html = _changes_on_page(client_for(cast.admin))
    assert "<b>疾病名称</b>：高血压 → 糖尿病" in html
    assert "<b>姓名</b>" not in html
    assert f"健康档案·慢性病 #{condition.pk}" in html


def test_it_labels_a_plan_change_in_chinese(cast: Any, cadre_a: Any, client_for: Any) -> None:
    actor = Actor(user=cast.community_a)
    plan = plan_create(actor=actor, cadre=cadre_a, needs="助餐", need_tags=[], review_date=None, items=[])
    plan_update(
        actor=actor, plan=plan, needs="助餐、助浴", need_tags=[], review_date=date(2026, 6, 1), items=[]
    )
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.subject_type == "plans.serviceplan"
    html = _changes_on_page(client_for(cast.admin))
    assert "<b>需求情况</b>：助餐 → 助餐、助浴" in html
    assert "<b>下次复核日期</b>" in html
    assert "<b>needs</b>" not in html and "<b>review_date</b>" not in html
    assert field_label("plans.serviceplan", "services") == "服务项目"


def test_it_snapshots_and_diffs_any_row(cadre_a: Any) -> None:
    before = snapshot(cadre_a, ["name", "community", "birth_date"])
    assert before == {
        "name": cadre_a.name,
        "community": cadre_a.community_id,
        "birth_date": cadre_a.birth_date.isoformat(),
    }
    assert diff(before, before | {"name": "王五"}) == {"name": [cadre_a.name, "王五"]}
    assert snapshot(Condition()) == {}
    assert "created_at" not in snapshot(cadre_a)


def test_it_names_subjects_for_people() -> None:
    assert subject_label("health.condition", 12) == "健康档案·慢性病 #12"
    assert subject_label("cadres.cadre", "") == "老干部"
    assert subject_label("gone.model", "3") == "gone.model #3"
    assert subject_label("", "") == ""


def test_it_still_filters_by_cadre_action_and_user(cast: Any, cadre_a: Any, client_for: Any) -> None:
    actor = Actor(user=cast.community_a)
    condition = health_item_create(actor=actor, cadre=cadre_a, item=Condition(name="高血压"))
    response = client_for(cast.admin).get(URL, {"cadre": cadre_a.pk, "action": "create", "user": "worker-a"})
    assert [e.pk for e in response.context["events"]] == [
        AuditEvent.objects.get(subject_type="health.condition", subject_id=str(condition.pk)).pk
    ]


def test_it_fills_the_subject_of_older_rows() -> None:
    from importlib import import_module

    subject_for = import_module("jiujin.audit.migrations.0003_fill_subject").subject_for
    assert subject_for("健康档案：修改慢性病", 5) == ("health.condition", "")
    assert subject_for("修改个性化服务方案", 5) == ("plans.serviceplan", "")
    assert subject_for("受理服务工单 #17：助餐", 5) == ("servicerequests.servicerequest", "17")
    assert subject_for("修改志愿者 小李：电话", None) == ("volunteers.volunteer", "")
    assert subject_for("查看详情", 5) == ("cadres.cadre", "5")
    assert subject_for("越权访问", None) == ("", "")


def _project_apps() -> set[str]:
    return {app for app in settings.INSTALLED_APPS if app.startswith("jiujin.")} - {
        "jiujin.audit",
        "jiujin.core",
    }


def test_it_imports_no_other_app_of_the_project() -> None:
    """The audit app sits below every app (jiujin.core and jiujin.lib are the shared base, not apps of data)."""
    apps = _project_apps()
    offending = []
    for path in AUDIT_DIR.rglob("*.py"):
        if {"tests", "migrations"} & set(path.relative_to(AUDIT_DIR).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            offending += [
                f"{path.name}: {n}" for n in names if any(n == a or n.startswith(a + ".") for a in apps)
            ]
    assert offending == []
