from django.urls import path

from . import views, views_rubric

app_name = "assessments"
urlpatterns = [
    path("", views_rubric.index, name="index"),
    path("rubrics/new/", views_rubric.rubric_create, name="rubric_create"),
    path("rubrics/<int:pk>/", views_rubric.rubric, name="rubric"),
    path("rubrics/<int:pk>/sections/", views_rubric.section_save, name="section_save"),
    path("rubrics/<int:pk>/copy/", views_rubric.rubric_copy, name="rubric_copy"),
    path("rubrics/<int:pk>/start/", views_rubric.rubric_start, name="rubric_start"),
    path("sections/<int:pk>/items/new/", views_rubric.item_new, name="item_new"),
    path("items/<int:pk>/", views_rubric.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views_rubric.item_delete, name="item_delete"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/recompute/", views.recompute, name="recompute"),
    path("<int:pk>/units/<str:code>/", views.unit, name="unit"),
    path("<int:pk>/units/<str:code>/remark/", views.remark, name="remark"),
    path("scores/<int:pk>/", views.score, name="score"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
