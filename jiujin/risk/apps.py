from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "jiujin.risk"
    verbose_name = "风险关爱"
