"""/api/v2/ routes of the public records (included by config/api_v2_urls.py)."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from registry.api import views

router = SimpleRouter(use_regex_path=False)
router.register("public/use-cases", views.PublicRecordViewSet, basename="v2-public-use-case")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
