from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "jiujin.home"
    verbose_name = "首页"

    def ready(self) -> None:
        from jiujin.accounts.models import Role
        from jiujin.core.registry import HomePanel, home_panel_register

        from .panels import quiet_panel

        home_panel_register(
            HomePanel("quiet-cadres", quiet_panel, order=40, roles=frozenset({Role.COMMUNITY}))
        )
