from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "jiujin.health"
    verbose_name = "健康档案"

    def ready(self) -> None:
        from jiujin.core.registry import (
            CadreAction,
            CadrePanel,
            DailyJob,
            MenuEntry,
            cadre_actions_register,
            cadre_panel_register,
            daily_job_register,
            menu_register,
            task_kind_register,
        )

        from .cadre_panel import conditions_panel
        from .services import medical_rounds_daily
        from .task_kinds import MEDICAL_ROUND

        menu_register(
            MenuEntry("健康活动", "health:campaigns", order=60, capability="view_health", group="活动与作用")
        )
        cadre_actions_register(CadreAction("健康档案", "health:record", order=70, capability="view_health"))
        # 慢性病 live only in the health record; the cadre page shows them from there.
        cadre_panel_register(
            CadrePanel("health-conditions", conditions_panel, order=10, capability="view_health")
        )
        daily_job_register(DailyJob("medical-rounds", medical_rounds_daily, order=30))
        task_kind_register(MEDICAL_ROUND)
        from .home_panels import register as home_register

        home_register()  # the home page's panels, figures and kinds of contact
        from .ledger_sheet import register as ledger_register

        ledger_register()  # its sheet of the 台账 bundle (reports)
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
