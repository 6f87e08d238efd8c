from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "jiujin.roster"
    verbose_name = "花名册导入导出"

    def ready(self) -> None:
        from jiujin.core.registry import MenuEntry, menu_register

        menu_register(
            MenuEntry("导入花名册", "roster:import", order=90, capability="import_roster", group="系统管理")
        )
        from .ledger_sheet import register as ledger_register

        ledger_register()  # its sheet of the 台账 bundle (reports)
