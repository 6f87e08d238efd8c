from django.urls import path

from . import views

app_name = "servicerequests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.intake, name="intake"),
    path("new/cadres/", views.cadre_search, name="cadre_search"),
    path("board/", views.board, name="board"),
    path("mine/", views.mine, name="mine"),
    path("targets/", views.targets, name="targets"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/rate/", views.rate, name="rate"),
]
