from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "jiujin.surveys"
    verbose_name = "问卷调查"
