from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "jiujin.visits"
    verbose_name = "五必访"

    def ready(self) -> None:
        from jiujin.cadres.hooks import on_file_closed
        from jiujin.core.registry import (
            AgendaLink,
            AgendaPanel,
            CadreAction,
            DailyJob,
            MenuEntry,
            agenda_links_register,
            agenda_panel_register,
            cadre_actions_register,
            daily_job_register,
            menu_register,
            task_kind_register,
        )

        from . import jobs
        from .events import condolence_on_file_closed
        from .selectors import is_supervisor
        from .task_kinds import KINDS
        from .views import agenda_ledger_panel

        task_kind_register(*KINDS)
        on_file_closed(condolence_on_file_closed)  # 去世 from any page makes the 吊唁 visit
        menu_register(MenuEntry("走访规则", "visits:rules", order=30))
        cadre_actions_register(
            CadreAction(
                "登记事件", "visits:event_new", order=30, capability="manage_cadres", active_only=True
            ),
            CadreAction("走访记录", "visits:cadre", order=40),
        )
        agenda_links_register(AgendaLink("完成情况", "visits:stats", order=30, show=is_supervisor))
        agenda_panel_register(
            AgendaPanel("visit-ledger", agenda_ledger_panel, order=50, capability="export_roster")
        )
        daily_job_register(DailyJob("visit-tasks", jobs.visit_tasks_daily, order=10))
        from .home_panels import register as home_register

        home_register()  # the home page's panels, figures and kinds of contact
        from .metrics import register as metrics_register

        metrics_register()  # the figures the 千分 assessment binds to
        from .ledger_sheet import register as ledger_register

        ledger_register()  # its sheet of the 台账 bundle (reports)
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
