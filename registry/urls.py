from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
]
