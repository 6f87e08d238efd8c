from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("stats/", views.stats, name="stats"),
    path("ledger.xlsx", views.ledger_export, name="ledger"),
    path("cadres/<int:cadre_pk>/", views.cadre_visits, name="cadre"),
    path("cadres/<int:cadre_pk>/events/new/", views.cadre_event_new, name="event_new"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("rules/settings/", views.settings_edit, name="settings_edit"),
]
