from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "jiujin.surveys"
    verbose_name = "问卷调查"

    def ready(self) -> None:
        from jiujin.core.registry import (
            CadreAction,
            MenuEntry,
            VisitFollowUp,
            cadre_actions_register,
            menu_register,
            task_kind_register,
            visit_follow_up_register,
        )

        from .metrics import register as metrics_register
        from .selectors import visit_links
        from .task_kinds import SURVEY

        metrics_register()
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
        task_kind_register(SURVEY)
        menu_register(MenuEntry("问卷调查", "surveys:list", order=75, group="考核评价"))
        visit_follow_up_register(VisitFollowUp("surveys", visit_links))  # 填写问卷 after recording a visit
        # The cadre page's 填写问卷: the running surveys that target the cadre (?cadre=).
        cadre_actions_register(
            CadreAction("填写问卷", "surveys:for_cadre", order=85, query=True, active_only=True)
        )
