from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "jiujin.branches"
    verbose_name = "离退休党支部"
