"""/api/v1/: each app contributes its routes here."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from registry.api.problems import api_not_found

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("governance.api.urls")),
    path("", include("registry.api.urls")),
    # Last: any other address under /api/v1/ answers with a problem document, not an HTML page.
    re_path(r"^.*$", api_not_found, name="api-not-found"),
]
