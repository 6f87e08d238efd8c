from django.urls import path

from . import views

# Not namespaced: "home" is the brand link's and LOGIN_REDIRECT_URL's name everywhere.
urlpatterns = [
    path("", views.home, name="home"),
]
