from django.urls import path

from . import story_views, team_views, views

app_name = "contributions"
urlpatterns = [
    path("", views.index, name="index"),
    path("log/", views.log, name="log"),
    path("cadres/", views.cadre_search, name="cadre_search"),
    path("records/", views.records, name="records"),
    path("export/", views.export, name="export"),
    path("talent/", views.talent, name="talent"),
    path("talent/new/", views.talent_new, name="talent_new"),
    path("talent/due/", views.talent_due, name="talent_due"),
    path("talent/<int:pk>/review/", views.talent_review_page, name="talent_review"),
    path("teams/", team_views.teams, name="teams"),
    path("teams/new/", team_views.team_edit, name="team_new"),
    path("teams/<int:pk>/", team_views.team, name="team"),
    path("teams/<int:pk>/edit/", team_views.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/", team_views.team_member_add, name="team_member_add"),
    path("teams/<int:pk>/members/remove/", team_views.team_member_drop, name="team_member_drop"),
    path("teams/<int:pk>/outing/", team_views.team_outing, name="team_outing"),
]
urlpatterns += [
    path("stories/", story_views.stories, name="stories"),
    path("stories/new/", story_views.story_edit, name="story_new"),
    path("stories/<int:pk>/", story_views.story, name="story"),
    path("stories/<int:pk>/edit/", story_views.story_edit, name="story_edit"),
    path("stories/photos/<int:pk>/", story_views.story_photo, name="story_photo"),
]
