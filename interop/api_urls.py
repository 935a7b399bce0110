"""The standards' exports in the public API: /api/v1/public/exports/<format>/ (no login)."""

from django.urls import path

from interop import views

urlpatterns = [
    path("public/exports/<str:code>/", views.api_standard_export, name="api-public-export"),
    path(
        "public/exports/<str:code>/organisations/<slug:slug>/",
        views.api_standard_export,
        name="api-public-organisation-export",
    ),
]
