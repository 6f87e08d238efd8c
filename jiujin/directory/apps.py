from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "jiujin.directory"
    verbose_name = "服务名录与联系卡"
