from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiujin.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_seen_at_login

        user_logged_in.connect(mark_seen_at_login, dispatch_uid="jiujin.accounts.mark_seen_at_login")
        from jiujin.core.registry import STAFF, VOLUNTEER, MenuEntry, menu_register

        menu_register(
            MenuEntry(
                "API令牌",
                "account_tokens",
                order=99,
                for_whom=frozenset({STAFF, VOLUNTEER}),
                group="系统管理",
            )
        )
