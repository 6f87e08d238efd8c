from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "jiujin.volunteers"
    verbose_name = "志愿者与一助一"

    def ready(self) -> None:
        from jiujin.cadres.hooks import on_file_closed

        from .services import pairings_end_for_closed_file

        on_file_closed(pairings_end_for_closed_file)
        from jiujin.core.registry import (
            STAFF,
            VOLUNTEER,
            CadrePanel,
            MenuEntry,
            cadre_panel_register,
            menu_register,
        )

        from .templatetags.volunteer_tags import pairing_panel

        menu_register(
            MenuEntry("我的结对老人", "volunteers:me", order=5, for_whom=frozenset({VOLUNTEER})),
            MenuEntry(
                "志愿者与一助一", "volunteers:list", order=40, for_whom=frozenset({STAFF}), group="服务保障"
            ),
        )
        cadre_panel_register(CadrePanel("pairing", pairing_panel, order=30))
        from .home_panels import register as home_register

        home_register()  # the home page's panels, figures and kinds of contact
        from jiujin.cadres.people import person_source_register

        from .people import VolunteerSource

        person_source_register(VolunteerSource())  # pickers of 处理人 and 一助一 partners name volunteers too
        from .metrics import register as metrics_register

        metrics_register()  # the figures the 千分 assessment binds to
        from .ledger_sheet import register as ledger_register

        ledger_register()  # its sheet of the 台账 bundle (reports)
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
