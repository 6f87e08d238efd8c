from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "jiujin.plans"
    verbose_name = "个性化服务方案"
