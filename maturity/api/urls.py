"""/api/v1/maturity/… routes."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from maturity.api import views

router = SimpleRouter(use_regex_path=False)
router.register(
    "maturity/readiness-assessments",
    views.ReadinessAssessmentViewSet,
    basename="maturity-readiness-assessment",
)
router.register(
    "maturity/service-assessments",
    views.ServiceAssessmentViewSet,
    basename="maturity-service-assessment",
)
router.register("maturity/measures", views.MaturityMeasureViewSet, basename="maturity-measure")

urlpatterns = [
    path(
        "maturity/questionnaires/",
        views.QuestionnairesView.as_view(),
        name="maturity-questionnaires",
    ),
    *router.urls,
]
