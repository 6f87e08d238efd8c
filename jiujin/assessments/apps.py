from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "jiujin.assessments"
    verbose_name = "千分量化考评"
