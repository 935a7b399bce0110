"""/api/v1/: each app contributes its routes here."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("governance.api.urls")),
]
