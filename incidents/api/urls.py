from rest_framework.routers import SimpleRouter

from incidents.api import views

router = SimpleRouter(use_regex_path=False)
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("objections", views.ObjectionViewSet, basename="objection")

urlpatterns = router.urls
