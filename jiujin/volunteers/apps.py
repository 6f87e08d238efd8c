from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "jiujin.volunteers"
    verbose_name = "志愿者与一助一"
