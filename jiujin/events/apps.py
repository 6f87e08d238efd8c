from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "jiujin.events"
    verbose_name = "学习和活动"
