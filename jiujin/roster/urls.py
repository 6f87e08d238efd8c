from django.urls import path

from . import views

app_name = "roster"
urlpatterns = [
    path("import/", views.roster_import, name="import"),
    path("import/confirm/", views.roster_confirm, name="confirm"),
    path("import/mapping/", views.roster_mapping, name="mapping"),
    path("template.xlsx", views.roster_template, name="template"),
    path("export/", views.roster_export, name="export"),
]
