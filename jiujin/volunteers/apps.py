from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "jiujin.volunteers"
    verbose_name = "志愿者与一助一"

    def ready(self) -> None:
        from jiujin.cadres.hooks import on_file_closed

        from .services import pairings_end_for_closed_file

        on_file_closed(pairings_end_for_closed_file)
