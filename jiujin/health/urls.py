from django.urls import path

from . import views

app_name = "health"
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/cadres/", views.campaign_cadres, name="campaign_cadres"),
    path("stats/", views.stats, name="stats"),
    path("blank/", views.blank, name="blank"),
    path("cadres/<int:cadre_pk>/", views.record, name="record"),
    path("cadres/<int:cadre_pk>/profile/", views.profile_edit, name="profile"),
    path("cadres/<int:cadre_pk>/sections/<slug:name>/", views.section, name="section"),
    path("cadres/<int:cadre_pk>/<slug:kind>/new/", views.item_new, name="item_new"),
    path("cadres/<int:cadre_pk>/<slug:kind>/<int:pk>/", views.item_edit, name="item_edit"),
]
