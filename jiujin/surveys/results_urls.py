"""Routes of a survey's results (shares, breakdowns, exports, the paragraph), in the `surveys` namespace.

Every `pk` is the survey's id; the unit and filters are query parameters (?unit=CODE&age_band=…)."""

from django.urls import path

from . import results_views as views

urlpatterns: list = [
    path("results/<int:pk>/", views.results, name="results"),
    path("results/<int:pk>/text/", views.results_text, name="results_text"),
    path("results/<int:pk>/needs/", views.results_needs, name="results_needs"),
    path("results/<int:pk>/export.csv", views.results_csv, name="results_csv"),
    path("results/<int:pk>/export.xlsx", views.results_xlsx, name="results_xlsx"),
    path("results/<int:pk>/respondents.xlsx", views.results_respondents, name="results_respondents"),
]
