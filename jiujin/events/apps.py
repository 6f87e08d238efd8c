from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "jiujin.events"
    verbose_name = "学习和活动"

    def ready(self) -> None:
        from jiujin.core.registry import (
            CadrePanel,
            HomePanel,
            MenuEntry,
            cadre_panel_register,
            home_panel_register,
            menu_register,
        )

        from . import panels

        menu_register(MenuEntry("学习活动", "events:list", order=55, group="活动与作用"))
        home_panel_register(
            HomePanel("events-inactive", panels.inactive_panel, order=40, roles=frozenset({"community"}))
        )
        cadre_panel_register(CadrePanel("events", panels.cadre_events_panel, order=60))
        from .metrics import register as metrics_register

        metrics_register()  # the figures the 千分 assessment binds to
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
        from .ledger_sheet import register as ledger_register

        ledger_register()  # its sheet of the 台账 bundle (reports)
        from .contact_source import register as contact_register

        contact_register()  # a check-in is a contact (home, risk radar)
