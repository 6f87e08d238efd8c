from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jiujin.api"
    verbose_name = "接口"
