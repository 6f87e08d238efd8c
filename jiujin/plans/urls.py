from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("cadres/<int:cadre_pk>/", views.cadre_plan, name="cadre"),
    path("cadres/<int:cadre_pk>/edit/", views.cadre_plan_edit, name="edit"),
    path("cadres/<int:cadre_pk>/review/", views.cadre_plan_review, name="review"),
]
