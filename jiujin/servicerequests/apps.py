from django.apps import AppConfig


class ServicerequestsConfig(AppConfig):
    name = "jiujin.servicerequests"
    verbose_name = "服务工单"
