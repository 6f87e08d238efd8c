from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "jiujin.contributions"
    verbose_name = "发挥作用"

    def ready(self) -> None:
        from jiujin.core.registry import (
            CadreAction,
            CadrePanel,
            MenuEntry,
            cadre_actions_register,
            cadre_group_register,
            cadre_panel_register,
            menu_register,
        )

        from .cadre_panel import TALENT_GROUP, contributions_panel

        menu_register(MenuEntry("发挥作用", "contributions:index", order=65, group="活动与作用"))
        cadre_actions_register(
            CadreAction(
                "登记发挥作用",
                "contributions:log",
                order=90,
                capability="manage_cadres",
                query=True,
                active_only=True,
            )
        )
        cadre_panel_register(CadrePanel("contributions", contributions_panel, order=40))
        # Events and opinions draw volunteers from the pool: an audience of "人才库·法律/调解".
        cadre_group_register(TALENT_GROUP)
        from .ledger_sheet import register as ledger_register

        ledger_register()  # its sheet of the 台账 bundle (reports)
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
