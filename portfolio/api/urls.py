from django.urls import path
from rest_framework.routers import SimpleRouter

from portfolio.api import views

router = SimpleRouter(use_regex_path=False)
router.register("outcome-measurements", views.MeasurementViewSet, basename="outcome-measurement")
router.register("public/outcomes", views.PublicMeasurementViewSet, basename="public-outcome")

urlpatterns = [
    path(
        "portfolio/<slug:slug>/candidates/",
        views.CandidateListView.as_view(),
        name="portfolio-candidate-list",
    ),
    *router.urls,
]
