from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "jiujin.visits"
    verbose_name = "五必访"

    def ready(self) -> None:
        from jiujin.cadres.hooks import on_file_closed

        from .services import visit_tasks_cancel_scheduled

        on_file_closed(lambda *, cadre, reason, **_: visit_tasks_cancel_scheduled(cadre=cadre, reason=reason))
