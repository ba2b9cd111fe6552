from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.card_list, name="card_list"),
    path("new/", views.card_create, name="card_create"),
    path("inbox/", views.inbox, name="inbox"),
    path("<int:pk>/", views.card_detail, name="detail"),
    path("<int:pk>/edit/", views.card_edit, name="card_edit"),
    path("<int:pk>/publish/", views.card_publish, name="card_publish"),
    path("<int:pk>/archive/", views.card_archive, name="card_archive"),
    path("<int:pk>/sample/", views.card_sample, name="card_sample"),
    path("deliveries/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("feedback/<int:pk>/", views.feedback_answer, name="feedback_answer"),
]
