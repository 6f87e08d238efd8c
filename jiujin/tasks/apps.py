from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "jiujin.tasks"
    verbose_name = "走访任务"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from jiujin.cadres.hooks import on_file_closed
        from jiujin.core.registry import DailyJob, MenuEntry, daily_job_register, menu_register

        from . import jobs, scope
        from .services import tasks_cancel_scheduled

        # A closed file (去世, 迁出) stops every kind registered as scheduled, whichever app made it.
        on_file_closed(lambda *, cadre, reason, **_: tasks_cancel_scheduled(cadre=cadre, reason=reason))
        menu_register(MenuEntry("我的走访", "tasks:agenda", order=20, badge_url_name="tasks:reminders_badge"))
        daily_job_register(DailyJob("task-overdue", jobs.tasks_overdue_daily, order=5))
        daily_job_register(DailyJob("task-communities", jobs.task_communities_daily, order=6))
        daily_job_register(
            DailyJob(
                "reminder-digest", jobs.reminder_digest_daily, order=90, hour_setting="JIUJIN_REMINDER_HOUR"
            )
        )
        # PostgreSQL's triggers that keep each task's community (scope.py), made after every migration run.
        post_migrate.connect(scope.after_migrate, sender=self)
        from .home_panels import register as home_register

        home_register()  # the home page's panels, figures and kinds of contact
