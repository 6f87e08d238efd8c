from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("", views.radar, name="radar"),
    path("frequencies/", views.frequencies, name="frequencies"),
]
