from django.urls import path

from . import views

# Mounted at /visits/ beside the visits app's pages: the addresses stayed when the pages moved here.
app_name = "tasks"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("tasks/<int:pk>/", views.task_row, name="task"),
    path("tasks/<int:pk>/record/", views.task_record, name="record"),
    path("calendar/", views.month_calendar, name="calendar"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/read/", views.reminders_mark_read, name="reminders_read"),
    path("reminders/badge/", views.reminders_badge, name="reminders_badge"),
]
