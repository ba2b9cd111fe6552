"""The roof's pages; their names are global (no namespace): home, report_xlsx, scope_*, college_detail."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("metrics/scope/city/", views.scope_detail, {"scope_type": "city"}, name="scope_city"),
    path("metrics/scope/<str:scope_type>/<str:scope_id>/", views.scope_detail, name="scope_detail"),
    path("colleges/<int:pk>/", views.college_detail, name="college_detail"),
]
