from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("home.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("demand.urls")),
    path("reference/", include("reference.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("colleges/", include("colleges.urls")),
    path("programs/", include("programs.urls")),
    path("policies/", include("policies.urls")),
    path("plan/", include("plan.urls")),
    path("metrics/", include("metrics.urls")),
    path("exchange/", include("exchange.urls")),
    path("api-tokens/", include("portal.tokens")),
    path("notices/", include("notices.urls")),
    path("followup/", include("followup.urls")),
]
