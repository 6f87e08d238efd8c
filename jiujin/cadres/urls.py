from django.urls import path

from . import card_views, views

app_name = "cadres"
urlpatterns = [
    path("", views.cadre_list, name="list"),
    path("completeness/", views.cadre_completeness, name="completeness"),
    path("new/", views.cadre_create_view, name="create"),
    path("<int:pk>/", views.cadre_detail, name="detail"),
    path("<int:pk>/edit/", views.cadre_edit_view, name="edit"),
    path("<int:pk>/status/", views.cadre_status_view, name="status"),
    path("<int:pk>/card/reissue/", card_views.card_reissue_view, name="card_reissue"),
    path("people/", views.people_suggest, name="people"),
]
