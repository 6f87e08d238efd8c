from django.apps import AppConfig


class PilotsConfig(AppConfig):
    name = "jiujin.pilots"
    verbose_name = "试点工作"
