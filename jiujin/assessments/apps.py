from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "jiujin.assessments"
    verbose_name = "千分量化考评"

    def ready(self) -> None:
        from jiujin.core.registry import MenuEntry, menu_register

        menu_register(MenuEntry("千分考评", "assessments:index", order=78, group="考核评价"))
