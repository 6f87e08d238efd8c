from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "jiujin.plans"
    verbose_name = "个性化服务方案"

    def ready(self) -> None:
        from jiujin.core.registry import (
            CadreAction,
            DailyJob,
            cadre_actions_register,
            daily_job_register,
            task_kind_register,
        )

        from .services import plan_tasks_daily
        from .task_kinds import PLAN_SERVICE

        cadre_actions_register(CadreAction("服务方案", "plans:cadre", order=80))
        daily_job_register(DailyJob("plan-tasks", plan_tasks_daily, order=20))
        task_kind_register(PLAN_SERVICE)
