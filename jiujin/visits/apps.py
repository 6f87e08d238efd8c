from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "jiujin.visits"
    verbose_name = "五必访"
