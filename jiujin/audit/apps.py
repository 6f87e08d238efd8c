from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jiujin.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from jiujin.core.registry import MenuEntry, menu_register

        menu_register(
            MenuEntry("审计日志", "audit:list", order=95, capability="view_audit", group="系统管理")
        )
