"""/api/v1/: each app contributes its routes here."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from registry.api.problems import api_not_found

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("governance.api.urls")),
    path("", include("incidents.api.urls")),
    path("", include("ledger.api_urls")),
    path("", include("registry.api.urls")),
    path("", include("interop.api_urls")),
    path("", include("evidence.api.urls")),
    path("", include("portfolio.api.urls")),
    path("", include("maturity.api.urls")),
    # Last: any other address under /api/v1/ answers with a problem document, not an HTML page.
    # Any character, a line break (%0A) too: "." would leave such an address to the HTML 404.
    re_path(r"^[\s\S]*$", api_not_found, name="api-not-found"),
]
