from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "jiujin.opinions"
    verbose_name = "意见建议"
