from django.urls import path

from governance.api import views

urlpatterns = [
    path(
        "risk-classification/",
        views.RiskClassificationView.as_view(),
        name="risk-classification",
    ),
]
