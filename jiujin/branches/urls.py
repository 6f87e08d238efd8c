from django.urls import path

from . import views, views_dues, views_meetings

app_name = "branches"
urlpatterns = [
    path("", views.branch_list, name="list"),
    path("new/", views.branch_new, name="new"),
    path("<int:pk>/", views.branch_detail, name="detail"),
    path("<int:pk>/edit/", views.branch_edit, name="edit"),
    path("<int:pk>/members/new/", views.member_new, name="member_new"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="member_transfer"),
    path("<int:pk>/meetings/new/", views_meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attend/", views_meetings.meeting_attend, name="meeting_attend"),
    path("meetings/<int:pk>/minutes/", views_meetings.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/pensions/", views_dues.pensions, name="pensions"),
    path("<int:pk>/dues/", views_dues.ledger, name="ledger"),
    path("<int:pk>/dues/charge/", views_dues.ledger_charge, name="ledger_charge"),
    path("<int:pk>/dues/pay/", views_dues.ledger_pay, name="ledger_pay"),
    path("<int:pk>/dues/export/", views_dues.ledger_export, name="ledger_export"),
    path("dues-rules/", views_dues.dues_rules, name="dues_rules"),
    path("honours/", views_dues.honours, name="honours"),
    path("honours/award/", views_dues.honours_award, name="honours_award"),
    path("honours/export/", views_dues.honours_export, name="honours_export"),
]
