from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "jiujin.orgs"
    verbose_name = "组织机构"
