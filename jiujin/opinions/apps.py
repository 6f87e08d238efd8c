from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "jiujin.opinions"
    verbose_name = "意见建议"

    def ready(self) -> None:
        from jiujin.core.registry import (
            CadreAction,
            DailyJob,
            MenuEntry,
            cadre_actions_register,
            daily_job_register,
            menu_register,
            task_kind_register,
        )

        from .home_panels import register as home_register
        from .services import opinions_daily
        from .task_kinds import OPINION_REPLY

        work_unit = frozenset({"work_unit"})  # the role's value: menu_for shows them only their entries
        menu_register(
            MenuEntry("意见建议", "opinions:board", order=55),
            MenuEntry("转来的意见建议", "opinions:work_unit", order=10, for_whom=work_unit),
            MenuEntry("本单位离退休干部", "opinions:retirees", order=20, for_whom=work_unit),
        )
        cadre_actions_register(
            CadreAction("记录意见建议", "opinions:new", order=55, query=True, active_only=True)
        )
        daily_job_register(DailyJob("opinions-escalate", opinions_daily, order=40))
        task_kind_register(OPINION_REPLY)
        home_register()  # the homes' panels and figure, the cadre page's panel
        from .metrics import register as metrics_register

        metrics_register()  # the figures the 千分 assessment binds to
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
        from .ledger_sheet import register as ledger_register

        ledger_register()  # its sheet of the 台账 bundle (reports)
