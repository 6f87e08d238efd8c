from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "jiujin.dashboards"
    verbose_name = "数据看板"

    def ready(self) -> None:
        from jiujin.core.registry import DailyJob, MenuEntry, daily_job_register, menu_register

        from . import services

        menu_register(MenuEntry("数据看板", "dashboards:index", order=84, group="统计汇报"))
        # After every app's daily job (the risk levels at 90): today's snapshot reads their results.
        daily_job_register(DailyJob("summaries-recent", services.recent_job, order=95, every_pass=True))
        daily_job_register(DailyJob("summaries-all", services.daily_job, order=96))
