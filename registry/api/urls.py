"""/api/v1/ routes of the registry."""

from rest_framework.routers import SimpleRouter

from registry.api import views

router = SimpleRouter(use_regex_path=False)
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("ai-systems", views.AISystemViewSet, basename="ai-system")
router.register("webhooks", views.WebhookEndpointViewSet, basename="webhook")
router.register("public/use-cases", views.PublicUseCaseViewSet, basename="public-use-case")

urlpatterns = router.urls
