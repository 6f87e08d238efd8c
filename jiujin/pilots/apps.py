from django.apps import AppConfig


class PilotsConfig(AppConfig):
    name = "jiujin.pilots"
    verbose_name = "试点工作"

    def ready(self) -> None:
        from jiujin.core.registry import MenuEntry, menu_register

        from .home_panels import register as home_register

        menu_register(MenuEntry("试点工作", "pilots:board", order=72, group="考核评价"))
        home_register()  # the overdue steps on the street's, district's and pilot community's homes
