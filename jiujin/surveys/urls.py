from django.urls import path

from . import views, views_fill, views_import
from .results_urls import urlpatterns as results_urlpatterns

app_name = "surveys"
# The results pages (results_urls.py) share this namespace: {% url "surveys:results" pk %}.
urlpatterns: list = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("questions/<int:question_id>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:question_id>/delete/", views.question_delete, name="question_delete"),
    path("questions/<int:question_id>/move/", views.question_move, name="question_move"),
    path("<int:pk>/start/", views.survey_start, name="start"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/new-version/", views.survey_new_version, name="new_version"),
    path("<int:pk>/fill/", views_fill.fill, name="fill"),
    path("tasks/<int:task_id>/", views_fill.from_task, name="task"),
    path("cadre/", views_fill.for_cadre, name="for_cadre"),
    path("responses/<int:response_id>/", views_fill.response_detail, name="response"),
    path("<int:pk>/import/", views_import.import_upload, name="import"),
    path("<int:pk>/import/confirm/", views_import.import_confirm, name="import_confirm"),
    path("<int:pk>/import/template.xlsx", views_import.import_template, name="import_template"),
    *results_urlpatterns,
]
