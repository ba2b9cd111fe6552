"""Demand pages keep the addresses they had under /enterprises/ and /colleges/ (bookmarks, links in e-mails)."""

from django.urls import path

from . import views

app_name = "demand"
urlpatterns = [
    path("enterprises/lists/", views.demand_list_list, name="demand_list_list"),
    path("enterprises/lists/current/", views.demand_list_open_current, name="list_open_current"),
    path("enterprises/lists/template.xlsx", views.upload_template, name="upload_template"),
    path("enterprises/lists/<int:pk>/", views.demand_list_detail, name="list_detail"),
    path("enterprises/lists/<int:pk>/submit/", views.demand_list_submit, name="list_submit"),
    path("enterprises/lists/<int:pk>/accept/", views.demand_list_accept, name="list_accept"),
    path("enterprises/lists/<int:pk>/return/", views.demand_list_return, name="list_return"),
    path("enterprises/lists/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("enterprises/lists/<int:pk>/upload/", views.item_upload, name="list_upload"),
    path("enterprises/items/", views.item_list, name="items"),
    path("enterprises/items/<int:pk>/", views.item_detail, name="item_detail"),
    path("enterprises/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("enterprises/items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("enterprises/items/<int:pk>/transition/", views.item_transition, name="item_transition"),
    path("enterprises/items/<int:pk>/fulfil/", views.item_fulfil, name="item_fulfil"),
    path("colleges/<int:pk>/items/", views.assigned_items, name="assigned_items"),
    path("colleges/items/<int:item_pk>/assign/", views.item_assign, name="item_assign"),
    path("colleges/items/<int:item_pk>/unassign/<int:college_pk>/", views.item_unassign, name="item_unassign"),
]
