from django.urls import path

from . import views

app_name = "rewards"
urlpatterns = [
    path("", views.index, name="index"),
    path("assessments/<int:assessment_id>/", views.pool, name="pool"),
    path("assessments/<int:assessment_id>/issue/", views.issue, name="issue"),
    path("assessments/<int:assessment_id>/table.xlsx", views.table, name="table"),
    path("assessments/<int:assessment_id>/notice.docx", views.notice, name="notice"),
]
