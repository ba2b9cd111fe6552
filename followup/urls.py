from django.urls import path

app_name = "followup"
urlpatterns = []
