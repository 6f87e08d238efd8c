from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jiujin.demo"
    verbose_name = "演示数据"
