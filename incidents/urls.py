"""Public addresses of incidents and objections, beside the register's (namespace "incidents")."""

from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path(
        "anwendungsfaelle/<id:use_case_id>/widerspruch/formular/",
        views.objection_form,
        name="objection_form",
    ),
    path(
        "anwendungsfaelle/<id:use_case_id>/widerspruch/eingegangen/",
        views.objection_received,
        name="objection_received",
    ),
    path(
        "anwendungsfaelle/<id:use_case_id>/stoerungen-und-widersprueche/",
        views.use_case_reports,
        name="use_case_reports",
    ),
]
