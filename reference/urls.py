from django.urls import path

from . import views

app_name = "reference"


def rows(prefix, url, pages):
    listing, create, edit, delete = pages.views()
    return [
        path(f"{url}/", listing, name=f"{prefix}_list"),
        path(f"{url}/new/", create, name=f"{prefix}_create"),
        path(f"{url}/<int:pk>/edit/", edit, name=f"{prefix}_edit"),
        path(f"{url}/<int:pk>/delete/", delete, name=f"{prefix}_delete"),
    ]


urlpatterns = [
    *rows("district", "districts", views.districts),
    *rows("priority_major", "priority-majors", views.priority_majors),
]
