from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "jiujin.contributions"
    verbose_name = "发挥作用"
