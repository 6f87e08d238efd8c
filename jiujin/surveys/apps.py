from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "jiujin.surveys"
    verbose_name = "问卷调查"

    def ready(self) -> None:
        from .metrics import register as metrics_register

        metrics_register()
