from django.urls import path  # noqa: F401

from .results_urls import urlpatterns as results_urlpatterns

app_name = "surveys"
# The results pages (results_urls.py) share this namespace: {% url "surveys:results" pk %}.
urlpatterns: list = [*results_urlpatterns]
