from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("", views.chase_list, name="chase"),
    path("<slug:chase>/", views.chase_list, name="chase_list"),
    path("<slug:chase>/remind/", views.remind, name="remind"),
]
