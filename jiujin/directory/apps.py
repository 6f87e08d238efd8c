from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "jiujin.directory"
    verbose_name = "服务名录与联系卡"

    def ready(self) -> None:
        from jiujin.core.registry import CadreAction, MenuEntry, cadre_actions_register, menu_register

        menu_register(MenuEntry("服务名录", "directory:index", order=70, group="服务保障"))
        cadre_actions_register(CadreAction("打印联系卡", "directory:cadre_card", order=90, new_tab=True))
        from .summary import register as summary_register

        summary_register()  # the figures the summary tables keep (dashboards, work report)
