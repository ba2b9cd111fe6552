from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("new/", views.program_create, name="program_create"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/edit/", views.program_edit, name="edit"),
    path("<int:pk>/years/new/", views.program_year_create, name="year_create"),
    path("years/<int:pk>/edit/", views.program_year_edit, name="year_edit"),
    path("order-classes/", views.order_class_list, name="order_class_list"),
    path("order-classes/new/", views.order_class_create, name="order_class_create"),
    path("order-classes/<int:pk>/edit/", views.order_class_edit, name="order_class_edit"),
]
