from django.urls import path

from maturity import views

app_name = "maturity"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/bereitschaft/", views.readiness, name="readiness"),
    path("<slug:slug>/leistungen/", views.service_list, name="services"),
    path(
        "<slug:slug>/leistungen/<str:leika_key>/",
        views.service_assessment,
        name="service_assessment",
    ),
    path("<slug:slug>/massnahmen/neu/", views.measure_create, name="measure_create"),
    path("<slug:slug>/massnahmen/<id:pk>/", views.measure_edit, name="measure_edit"),
    path("<slug:slug>/benennungen/", views.nominations, name="nominations"),
    path(
        "<slug:slug>/benennungen/<id:pk>/widerrufen/",
        views.nomination_revoke,
        name="nomination_revoke",
    ),
]
