from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("ledgers/", views.ledgers, name="ledgers"),
    path("ledgers/download/", views.ledgers_download, name="ledgers_download"),
    path("work-report/", views.work_report, name="work_report"),
    path("work-report/download/", views.work_report_download, name="work_report_download"),
    path("work-report/template/", views.work_report_template, name="work_report_template"),
    path(
        "work-report/template/upload/", views.work_report_template_upload, name="work_report_template_upload"
    ),
    path(
        "work-report/template/remove/", views.work_report_template_remove, name="work_report_template_remove"
    ),
]
