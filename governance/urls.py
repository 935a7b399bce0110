from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
]
