from django.apps import AppConfig


class ServicerequestsConfig(AppConfig):
    name = "jiujin.servicerequests"
    verbose_name = "服务工单"

    def ready(self) -> None:
        from jiujin.core.registry import (
            STAFF,
            VOLUNTEER,
            CadreAction,
            MenuEntry,
            cadre_actions_register,
            menu_register,
        )

        menu_register(
            MenuEntry(
                "派单看板",
                "servicerequests:board",
                order=50,
                capability="dispatch_services",
                group="服务保障",
            ),
            MenuEntry(
                "我的工单",
                "servicerequests:mine",
                order=80,
                for_whom=frozenset({STAFF, VOLUNTEER}),
                group="服务保障",
            ),
        )
        cadre_actions_register(
            CadreAction(
                "受理服务工单", "servicerequests:intake", order=50, capability="dispatch_services", query=True
            ),
            CadreAction("服务工单", "servicerequests:list", order=60, query=True),
        )
        from .home_panels import register as home_register

        home_register()  # the home page's panels, figures and kinds of contact
        from .metrics import register as metrics_register

        metrics_register()  # the figures the 千分 assessment binds to
        from .ledger_sheet import register as ledger_register

        ledger_register()  # its sheet of the 台账 bundle (reports)
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
