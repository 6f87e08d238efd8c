from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "jiujin.cadres"
    verbose_name = "老干部"

    def ready(self) -> None:
        from jiujin.audit.people import cadre_directory_register
        from jiujin.core.registry import CadreAction, MenuEntry, cadre_actions_register, menu_register

        from .auditlog import DIRECTORY

        cadre_directory_register(DIRECTORY)
        menu_register(MenuEntry("老干部名册", "cadres:list", order=10))
        cadre_actions_register(
            CadreAction("编辑", "cadres:edit", order=10, capability="manage_cadres"),
            CadreAction("变更状态", "cadres:status", order=20, capability="manage_cadres"),
            CadreAction(
                "重新制卡", "cadres:card_reissue", order=95, capability="manage_cadres", active_only=True
            ),
        )
        from .home_panels import register as home_register

        home_register()  # the home page's panels, figures and kinds of contact
        from .metrics import register as metrics_register

        metrics_register()  # the figures the 千分 assessment binds to
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
