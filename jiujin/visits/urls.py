from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("tasks/<int:pk>/", views.task_row, name="task"),
    path("tasks/<int:pk>/record/", views.task_record, name="record"),
    path("calendar/", views.month_calendar, name="calendar"),
    path("stats/", views.stats, name="stats"),
    path("ledger.xlsx", views.ledger_export, name="ledger"),
    path("cadres/<int:cadre_pk>/", views.cadre_visits, name="cadre"),
    path("cadres/<int:cadre_pk>/events/new/", views.cadre_event_new, name="event_new"),
]
