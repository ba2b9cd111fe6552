from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("lists/", views.demand_list_list, name="demand_list_list"),
    path("lists/current/", views.demand_list_open_current, name="list_open_current"),
    path("lists/template.xlsx", views.upload_template, name="upload_template"),
    path("lists/<int:pk>/", views.demand_list_detail, name="list_detail"),
    path("lists/<int:pk>/submit/", views.demand_list_submit, name="list_submit"),
    path("lists/<int:pk>/accept/", views.demand_list_accept, name="list_accept"),
    path("lists/<int:pk>/return/", views.demand_list_return, name="list_return"),
    path("lists/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("lists/<int:pk>/upload/", views.item_upload, name="list_upload"),
    path("items/", views.item_list, name="items"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/transition/", views.item_transition, name="item_transition"),
    path("items/<int:pk>/fulfil/", views.item_fulfil, name="item_fulfil"),
]
