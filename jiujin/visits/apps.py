from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "jiujin.visits"
    verbose_name = "五必访"

    def ready(self) -> None:
        from jiujin.cadres.hooks import on_file_closed

        from .events import visit_tasks_cancel_scheduled

        on_file_closed(lambda *, cadre, reason, **_: visit_tasks_cancel_scheduled(cadre=cadre, reason=reason))
        from jiujin.core.registry import (
            CadreAction,
            DailyJob,
            MenuEntry,
            cadre_actions_register,
            daily_job_register,
            menu_register,
        )

        from . import jobs

        menu_register(
            MenuEntry("我的走访", "visits:agenda", order=20, badge_url_name="visits:reminders_badge"),
            MenuEntry("走访规则", "visits:rules", order=30),
        )
        cadre_actions_register(
            CadreAction(
                "登记事件", "visits:event_new", order=30, capability="manage_cadres", active_only=True
            ),
            CadreAction("走访记录", "visits:cadre", order=40),
        )
        daily_job_register(DailyJob("visit-tasks", jobs.visit_tasks_daily, order=10))
        daily_job_register(
            DailyJob(
                "reminder-digest", jobs.reminder_digest_daily, order=90, hour_setting="JIUJIN_REMINDER_HOUR"
            )
        )
