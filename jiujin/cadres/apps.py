from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "jiujin.cadres"
    verbose_name = "老干部"
