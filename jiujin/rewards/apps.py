from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "jiujin.rewards"
    verbose_name = "以奖代补"

    def ready(self) -> None:
        from jiujin.assessments.links import assessment_links_register
        from jiujin.core.registry import MenuEntry, menu_register

        from .selectors import pool_link

        menu_register(
            MenuEntry("以奖代补", "rewards:index", order=79, capability="manage_assessment", group="考核评价")
        )
        assessment_links_register("rewards", pool_link)
