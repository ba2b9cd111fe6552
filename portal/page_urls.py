from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("enterprises/", include("enterprises.urls")),
    path("colleges/", include("colleges.urls")),
    path("programs/", include("programs.urls")),
    path("policies/", include("policies.urls")),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("metrics/scope/city/", views.scope_detail, {"scope_type": "city"}, name="scope_city"),
    path("metrics/scope/<str:scope_type>/<str:scope_id>/", views.scope_detail, name="scope_detail"),
    path("metrics/", include("metrics.urls")),
    path("api-tokens/", include("portal.tokens")),
]
