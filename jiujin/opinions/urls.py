from django.urls import path

from . import views

app_name = "opinions"
urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.opinion_new, name="new"),
    path("stats/", views.stats, name="stats"),
    path("export/", views.export, name="export"),
    path("answer-days/", views.answer_days, name="answer_days"),
    path("work-unit/", views.work_unit_home, name="work_unit"),
    path("work-unit/retirees/", views.work_unit_retirees, name="retirees"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/slip.pdf", views.slip, name="slip"),
]
