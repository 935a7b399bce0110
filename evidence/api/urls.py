"""/api/v1/ routes of the documents."""

from rest_framework.routers import SimpleRouter

from evidence.api import views

app_name = "evidence-api"

router = SimpleRouter(use_regex_path=False)
router.register("documents", views.DocumentViewSet, basename="document")

urlpatterns = router.urls
