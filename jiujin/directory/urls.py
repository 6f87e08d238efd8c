from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.index, name="index"),
    path("cadres/<int:cadre_pk>/card.pdf", views.cadre_card, name="cadre_card"),
    path("<slug:code>/", views.unit_directory, name="unit"),
    path("<slug:code>/edit/", views.unit_edit, name="edit"),
    path("<slug:code>/entries/new/", views.entry_new, name="entry_new"),
    path("<slug:code>/entries/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("<slug:code>/entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("<slug:code>/hide/", views.entry_hide, name="entry_hide"),
    path("<slug:code>/cards/", views.cards, name="cards"),
    path("<slug:code>/cards.pdf", views.cards_pdf, name="cards_pdf"),
]
