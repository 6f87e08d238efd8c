from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiujin.accounts"
    verbose_name = "用户与权限"
