"""Public addresses of transparency reports, below the organisation's page."""

from django.urls import path

from governance.reports import views

app_name = "reports"

urlpatterns = [
    path("organisationen/<slug:slug>/berichte/", views.report_list, name="list"),
    path("organisationen/<slug:slug>/berichte/<str:period>/", views.report_detail, name="detail"),
    path(
        "organisationen/<slug:slug>/berichte/<str:period>/bericht.pdf",
        views.report_pdf,
        name="pdf",
    ),
]
