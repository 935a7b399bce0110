from django.urls import path
from rest_framework.routers import SimpleRouter

from governance.api import views

router = SimpleRouter(use_regex_path=False)
router.register("use-cases", views.UseCaseViewSet, basename="use-case")

urlpatterns = [
    path(
        "risk-classification/",
        views.RiskClassificationView.as_view(),
        name="risk-classification",
    ),
    *router.urls,
]
