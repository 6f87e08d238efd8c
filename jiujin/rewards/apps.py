from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "jiujin.rewards"
    verbose_name = "以奖代补"

    def ready(self) -> None:
        from jiujin.core.registry import MenuEntry, menu_register

        menu_register(MenuEntry("以奖代补", "rewards:index", order=79, capability="manage_assessment"))
