from django.urls import path

from . import college, views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("month/", views.month, name="month"),
    path("new/", views.event_new, name="create"),
    path("inactive/", views.inactive, name="inactive"),
    path("stats/", views.stats, name="stats"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/cadres/", views.cadre_search, name="cadre_search"),
    path("<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path("<int:pk>/sign-up/cancel/", views.sign_up_cancel, name="sign_up_cancel"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("college/", college.courses, name="courses"),
    path("college/<int:pk>/", college.course_detail, name="course_detail"),
    path("college/classes/<int:pk>/", college.class_detail, name="class_detail"),
    path("college/classes/<int:pk>/enrol/", college.enrol, name="enrol"),
]
