from django.urls import path

from . import views

app_name = "pilots"
urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.pilot_new, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/steps/<int:step>/", views.step_edit, name="step_edit"),
    path("<int:pk>/steps/<int:step>/done/", views.step_done, name="step_done"),
    path("<int:pk>/steps/<int:step>/reopen/", views.step_reopen, name="step_reopen"),
    path("<int:pk>/steps/<int:step>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/evidence/<int:pilot_evidence_id>/", views.evidence_file, name="evidence"),
    path("<int:pk>/evidence/<int:pilot_evidence_id>/delete/", views.evidence_delete, name="evidence_delete"),
    path("<int:pk>/group/", views.member_add, name="member_add"),
    path("<int:pk>/group/<int:pilot_member_id>/delete/", views.member_remove, name="member_remove"),
]
