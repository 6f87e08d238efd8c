from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiujin.core"
    verbose_name = "核心"
