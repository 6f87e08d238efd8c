"""A new app plugs into the menu, the cadre page and the daily loop without editing another app."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import format_html

from jiujin.core import registry
from jiujin.core.registry import AgendaPanel, CadreAction, CadrePanel, DailyJob, MenuEntry, TaskKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_app(monkeypatch: Any) -> list[str]:
    """What a new app's AppConfig.ready() would register; the registries are restored afterwards."""
    for name in ("_menu", "_actions", "_panels", "_jobs", "_task_kinds", "_agenda_links", "_agenda_panels"):
        monkeypatch.setattr(registry, name, dict(getattr(registry, name)))
    ran: list[str] = []
    registry.menu_register(MenuEntry("兴趣小组", "directory:index", order=65, capability="view_health"))
    registry.cadre_actions_register(CadreAction("报名活动", "audit:list", order=85, query=True))
    registry.cadre_panel_register(
        CadrePanel(
            "learning",
            lambda request, cadre: format_html("<section>参加活动 {}</section>", cadre.name),
            order=40,
        )
    )
    registry.daily_job_register(
        DailyJob("learning", lambda today, through: ran.append(str(today)) or "活动提醒 0 条", order=40)
    )
    registry.task_kind_register(TaskKind("survey_follow", "问卷回访", order=95, scheduled=True))
    registry.agenda_panel_register(
        AgendaPanel("learning", lambda request: format_html("<section>本周活动 {}</section>", 2), order=60)
    )
    return ran


def test_it_shows_a_new_apps_menu_entry_to_those_with_its_capability(
    fake_app: Any, client_for: Any, cast: Any
) -> None:
    assert "兴趣小组" in client_for(cast.community_a).get(reverse("cadres:list")).content.decode()
    assert "兴趣小组" not in client_for(cast.street).get(reverse("cadres:list")).content.decode()


def test_it_puts_a_new_apps_button_and_panel_on_the_cadre_page(
    fake_app: Any, client_for: Any, cast: Any, cadre_a: Any
) -> None:
    html = client_for(cast.community_a).get(reverse("cadres:detail", args=[cadre_a.pk])).content.decode()
    assert f'href="{reverse("audit:list")}?cadre={cadre_a.pk}"' in html and "报名活动" in html
    assert f"<section>参加活动 {cadre_a.name}</section>" in html


def test_it_runs_a_new_apps_daily_job_in_the_loop(fake_app: list[str]) -> None:
    out = StringIO()
    call_command("schedule_visits", stdout=out)
    assert "活动提醒 0 条" in out.getvalue() and len(fake_app) == 1


def test_it_keeps_the_menu_of_each_role() -> None:
    from jiujin.accounts.models import Role, User

    volunteer = User(username="v", role=Role.VOLUNTEER)
    labels = [e["label"] for e in registry.menu_for(volunteer)]
    assert labels == ["我的结对老人", "我的工单", "API令牌"]  # a group left with one entry is a plain link
    admin = User(username="a", role=Role.ADMIN)
    menu = registry.menu_for(admin)
    assert [e["label"] for e in menu] == [
        *("老干部名册", "我的走访", "走访规则", "服务保障", "活动与作用", "意见建议", "风险关爱", "考核评价"),
        *("统计汇报", "系统管理"),
    ]
    groups = {e["label"]: [c["label"] for c in e["children"]] for e in menu if "children" in e}
    assert groups == {
        "服务保障": ["志愿者与一助一", "派单看板", "服务名录", "我的工单"],
        "活动与作用": ["党支部", "学习活动", "健康活动", "发挥作用"],
        "考核评价": ["试点工作", "问卷调查", "千分考评", "以奖代补"],
        "统计汇报": ["数据看板", "台账汇总", "汇报材料"],
        "系统管理": ["导入花名册", "审计日志", "API令牌"],
    }


def test_it_takes_a_new_apps_task_kind_without_a_migration(
    fake_app: Any, client_for: Any, cast: Any, cadre_a: Any
) -> None:
    from django.core.exceptions import ValidationError

    from jiujin.cadres.models import CadreStatus
    from jiujin.cadres.services import cadre_change_status
    from jiujin.tasks.models import TaskStatus, VisitTask, validate_task_kind
    from jiujin.visits.tests.helpers import TODAY, make_task

    validate_task_kind("survey_follow")
    with pytest.raises(ValidationError):
        validate_task_kind("no_such_kind")
    task = make_task(cadre_a, TODAY, kind="survey_follow", title="问卷回访")
    assert task.kind_label == "问卷回访"
    html = client_for(cast.community_a).get(reverse("tasks:agenda")).content.decode()
    assert f'id="task-{task.pk}"' in html and "<section>本周活动 2</section>" in html
    stats = client_for(cast.street).get(reverse("visits:stats"), {"from": "2026-09-01", "to": "2026-09-30"})
    assert "问卷回访" in stats.content.decode()
    # A scheduled kind stops when the cadre's file is closed, whichever app registered it.
    from jiujin.audit.services import Actor

    cadre_change_status(
        actor=Actor(user=cast.community_a),
        cadre=cadre_a,
        status=CadreStatus.MOVED_OUT,
        on=TODAY,
        reason="迁出",
    )
    assert VisitTask.objects.get(pk=task.pk).status == TaskStatus.CANCELLED


def test_it_refuses_a_kind_code_the_task_table_cannot_hold() -> None:
    with pytest.raises(ValueError):
        TaskKind("a_kind_code_longer_than_16", "太长", order=1)
