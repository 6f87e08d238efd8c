from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "jiujin.health"
    verbose_name = "健康档案"
