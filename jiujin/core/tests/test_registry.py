"""A new app plugs into the menu, the cadre page and the daily loop without editing another app."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import format_html

from jiujin.core import registry
from jiujin.core.registry import CadreAction, CadrePanel, DailyJob, MenuEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_app(monkeypatch: Any) -> list[str]:
    """What a new app's AppConfig.ready() would register; the registries are restored afterwards."""
    for name in ("_menu", "_actions", "_panels", "_jobs"):
        monkeypatch.setattr(registry, name, dict(getattr(registry, name)))
    ran: list[str] = []
    registry.menu_register(MenuEntry("学习活动", "directory:index", order=65, capability="view_health"))
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
    return ran


def test_it_shows_a_new_apps_menu_entry_to_those_with_its_capability(
    fake_app: Any, client_for: Any, cast: Any
) -> None:
    assert "学习活动" in client_for(cast.community_a).get(reverse("cadres:list")).content.decode()
    assert "学习活动" not in client_for(cast.street).get(reverse("cadres:list")).content.decode()


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
    assert labels == ["我的结对老人", "我的工单", "API令牌"]
    admin = User(username="a", role=Role.ADMIN)
    assert [e["label"] for e in registry.menu_for(admin)] == [
        *("老干部名册", "我的走访", "走访规则", "志愿者与一助一", "派单看板", "健康活动", "服务名录"),
        *("我的工单", "导入花名册", "审计日志", "API令牌"),
    ]
