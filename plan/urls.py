from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("board/", views.task_board, name="task_board"),
    path("export.xlsx", views.task_export, name="task_export"),
    path("import/", views.task_import, name="task_import"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/report/", views.report_file, name="report_file"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/attachment/", views.report_attachment, name="report_attachment"),
]
