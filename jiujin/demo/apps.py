from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jiujin.demo"
    verbose_name = "演示数据"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the demo-password deploy check)
