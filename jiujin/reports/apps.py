from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jiujin.reports"
    verbose_name = "汇报和台账"

    def ready(self) -> None:
        from jiujin.core.registry import MenuEntry, menu_register

        menu_register(
            MenuEntry("台账汇总", "reports:ledgers", order=85, capability="export_roster", group="统计汇报"),
            MenuEntry(
                "汇报材料", "reports:work_report", order=86, capability="export_roster", group="统计汇报"
            ),
        )
