from django.urls import path

from . import review_views, views

app_name = "metrics"
urlpatterns = [
    path("runs/", views.run_list, name="run_list"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/delete/", views.run_delete, name="run_delete"),
    path("runs/<int:pk>/progress.json", views.run_progress, name="run_progress"),
    path("alerts/", review_views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", review_views.alert_detail, name="alert_detail"),
    path("review-rules/", review_views.rule_list, name="rule_list"),
    path("review-rules/new/", review_views.rule_form, name="rule_create"),
    path("review-rules/<int:pk>/", review_views.rule_form, name="rule_edit"),
    path("targets/", views.target_list, name="target_list"),
]
