from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jiujin.audit"
    verbose_name = "审计日志"
