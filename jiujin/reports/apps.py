from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jiujin.reports"
    verbose_name = "汇报和台账"
