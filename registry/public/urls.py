"""German addresses of the public register; included by registry/urls.py (namespace "registry")."""

from django.urls import path

from registry.public import views

urlpatterns = [
    path("", views.register, name="home"),
    path("organisationen/", views.organisation_list, name="organisation_list"),
    path("organisationen/<slug:slug>/", views.organisation_detail, name="organisation"),
    path(
        "organisationen/<slug:slug>/logo/<str:key>",
        views.organisation_logo,
        name="organisation_logo",
    ),
    path(
        "organisationen/<slug:slug>/daten/register.csv",
        views.register_csv,
        name="organisation_register_csv",
    ),
    path(
        "organisationen/<slug:slug>/daten/register.json",
        views.register_json,
        name="organisation_register_json",
    ),
    path(
        "organisationen/<slug:slug>/daten/aenderungen.atom",
        views.changes_feed,
        name="organisation_changes_feed",
    ),
    path("anwendungsfaelle/<id:use_case_id>/", views.use_case_detail, name="use_case"),
    path(
        "anwendungsfaelle/<id:use_case_id>/versionen/<id:history_id>/",
        views.use_case_version,
        name="use_case_version",
    ),
    path("anwendungsfaelle/<id:use_case_id>/eintrag.csv", views.use_case_csv, name="use_case_csv"),
    path(
        "anwendungsfaelle/<id:use_case_id>/eintrag.json", views.use_case_json, name="use_case_json"
    ),
    path(
        "anwendungsfaelle/<id:use_case_id>/widerspruch/",
        views.use_case_objection,
        name="use_case_objection",
    ),
    path("risikoklassen/", views.risk_classes, name="risk_classes"),
    path("barrierefreiheit/", views.accessibility_statement, name="accessibility_statement"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path(
        "barrierefreiheit/rueckmeldung/",
        views.accessibility_feedback,
        name="accessibility_feedback",
    ),
    path("daten/", views.open_data, name="open_data"),
    path("daten/register.csv", views.register_csv, name="register_csv"),
    path("daten/register.json", views.register_json, name="register_json"),
    path("daten/schema/v1.json", views.schema_v1, name="schema_v1"),
    path("daten/aenderungen.atom", views.changes_feed, name="changes_feed"),
]
