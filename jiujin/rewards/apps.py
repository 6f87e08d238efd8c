from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "jiujin.rewards"
    verbose_name = "以奖代补"
