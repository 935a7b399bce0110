"""/api/v2/: the public records as the open data give them (v1's successor for them)."""

from django.urls import URLPattern, URLResolver, re_path
from rest_framework.routers import SimpleRouter

from registry.api import views
from registry.api.problems import api_not_found

router = SimpleRouter(use_regex_path=False)
router.register("public/use-cases", views.PublicRecordViewSet, basename="v2-public-use-case")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    # Last: any other address under /api/v2/ answers with a problem document (config/api_urls.py).
    re_path(r"^[\s\S]*$", api_not_found, name="api-v2-not-found"),
]
