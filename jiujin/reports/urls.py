from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("ledgers/", views.ledgers, name="ledgers"),
    path("ledgers/download/", views.ledgers_download, name="ledgers_download"),
]
