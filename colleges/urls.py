from django.urls import path

from . import views

app_name = "colleges"


def rows(prefix, url, pages):
    listing, create, edit = pages.views()
    return [
        path(f"{url}/", listing, name=f"{prefix}_list"),
        path(f"{url}/new/", create, name=f"{prefix}_create"),
        path(f"{url}/<int:pk>/edit/", edit, name=f"{prefix}_edit"),
    ]


urlpatterns = [
    path("", views.college_list, name="college_list"),
    path("new/", views.college_create, name="college_create"),
    path("<int:pk>/edit/", views.college_edit, name="edit"),
    *rows("industry_college", "industry-colleges", views.industry_colleges),
    *rows("training_base", "training-bases", views.training_bases),
    *rows("project", "projects", views.projects),
    *rows("session", "sessions", views.training_sessions),
]
