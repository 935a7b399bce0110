"""/api/v2/: the public records as the open data give them (v1's successor for them)."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from registry.api.problems import api_not_found

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("ledger.api_v2_urls")),
    path("", include("registry.api.v2_urls")),
    # Last: any other address under /api/v2/ answers with a problem document (config/api_urls.py).
    re_path(r"^[\s\S]*$", api_not_found, name="api-v2-not-found"),
]
