from django.urls import path

from . import analysis_views, planner_views, review_views, views

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
    path("supply-demand/", analysis_views.supply_demand, name="supply_demand"),
    path("supply-demand/export.xlsx", analysis_views.supply_demand_xlsx, name="supply_demand_xlsx"),
    path("scenarios/", planner_views.scenario_list, name="scenario_list"),
    path("scenarios/new/", planner_views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", planner_views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/edit/", planner_views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/duplicate/", planner_views.scenario_duplicate, name="scenario_duplicate"),
    path("scenarios/<int:pk>/delete/", planner_views.scenario_delete, name="scenario_delete"),
    path("scenarios/<int:pk>/export.xlsx", planner_views.scenario_xlsx, name="scenario_xlsx"),
]
