from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("new/", views.volunteer_create_view, name="create"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/edit/", views.volunteer_edit_view, name="edit"),
    path("<int:pk>/login/", views.volunteer_login_view, name="login"),
    path("cadres/", views.cadre_list, name="cadres"),
    path("cadres/<int:cadre_pk>/", views.cadre_pairing, name="cadre"),
    path("pairings/<int:pk>/end/", views.pairing_end_view, name="end"),
    path("attention/", views.attention_list, name="attention"),
    path("contacts/<int:pk>/follow-up/", views.contact_follow_up, name="follow_up"),
    path("me/", views.my_home, name="me"),
    path("me/cadres/<int:cadre_pk>/", views.my_cadre, name="my_cadre"),
    path("me/pairings/<int:pk>/contact/", views.my_contact, name="my_contact"),
]
