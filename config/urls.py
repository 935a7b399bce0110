from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

# Swagger UI runs under the site's policy: its start script is a file of its own (the split
# view's ?script). ReDoc writes its styles into <style> elements and searches in a worker it
# starts from a blob: address, so its page alone allows inline styles (never scripts) and that.
swagger = SpectacularSwaggerSplitView.as_view(
    url_name="api-schema", template_name="api/swagger_ui.html"
)
redoc = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
    SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
)

# An unreachable database gets a German 503 page with Retry-After, every other error the 500 page.
handler500 = "operations.views.server_error"

urlpatterns = [
    # The language switch needs no CSRF token: choosing a language changes nothing but the
    # display, and a token in every public page would keep shared caches from storing them.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's own password form would bypass the login page and PASSWORD_LOGIN_ENABLED.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    # mozilla-django-oidc's routes with this project's views (settings OIDC_*_CLASS).
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("konto/", include("accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/v2/", include("config.api_v2_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/schema/swagger/", swagger, name="api-swagger"),
    path("api/schema/redoc/", redoc, name="api-redoc"),
    path("gremium/reifegrad/", include("maturity.urls")),
    path("", include("portfolio.urls")),
    path("gremium/", include("governance.urls")),
    path("arbeitsbereich/", include("workspace.urls")),
    path("", include("evidence.urls")),
    # Transparency reports live under the organisation's public address.
    path("", include("governance.reports.urls")),
    path("", include("incidents.urls")),
    path("", include("interop.urls")),
    path("", include("ledger.urls")),
    path("", include("registry.urls")),
]
