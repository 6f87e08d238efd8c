from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "jiujin.risk"
    verbose_name = "风险关爱"

    def ready(self) -> None:
        from jiujin.core.registry import DailyJob, MenuEntry, daily_job_register, menu_register

        from . import home_panels, services

        menu_register(MenuEntry("风险关爱", "risk:radar", order=58))
        daily_job_register(DailyJob("risk", services.daily_job, order=90))
        home_panels.register()
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
