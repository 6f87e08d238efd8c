from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """`jiujin migrate` also makes the database cache's table, so no install step can forget it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "jiujin.core"
    verbose_name = "核心"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="jiujin-createcachetable")
        from . import checks  # noqa: F401  (registers the deploy checks)
        from .jobs import planner_statistics_daily
        from .registry import DailyJob, daily_job_register

        daily_job_register(DailyJob("planner-statistics", planner_statistics_daily, order=1))
