"""Demand pages keep the addresses they had under /enterprises/ and /colleges/ (bookmarks, links in e-mails)."""

from django.urls import path

from . import views, work_views

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
    path("enterprises/items/<int:pk>/claims/", work_views.item_claims, name="item_claims"),
    path("colleges/<int:pk>/items/", views.assigned_items, name="assigned_items"),
    path("colleges/my-items/", work_views.my_items, name="my_items"),
    path("colleges/items/<int:pk>/note/", work_views.item_note, name="item_note"),
    path("colleges/items/<int:pk>/propose/", work_views.item_propose, name="item_propose"),
    path("colleges/proposals/<int:pk>/confirm/", work_views.proposal_confirm, name="proposal_confirm"),
    path("colleges/proposals/<int:pk>/send-back/", work_views.proposal_send_back, name="proposal_send_back"),
    path("colleges/open-items/", work_views.claimable_items, name="claimable_items"),
    path("colleges/open-items/<int:pk>/", work_views.claim_create, name="claim_create"),
    path("colleges/claims/<int:pk>/approve/", work_views.claim_approve, name="claim_approve"),
    path("colleges/claims/<int:pk>/decline/", work_views.claim_decline, name="claim_decline"),
    path("colleges/follow-through/", work_views.college_work, name="college_work"),
    path("colleges/items/<int:item_pk>/assign/", views.item_assign, name="item_assign"),
    path("colleges/items/<int:item_pk>/unassign/<int:college_pk>/", views.item_unassign, name="item_unassign"),
]
