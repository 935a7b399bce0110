"""Addresses of the standards' exports, imports, reuse (Nachnutzung) and IT service providers'
templates (namespace "interop")."""

from django.urls import path

from interop import views

app_name = "interop"

urlpatterns = [
    path("arbeitsbereich/nachnutzen/<id:use_case_id>/", views.adopt, name="adopt"),
    path(
        "arbeitsbereich/nachnutzung/<id:use_case_id>/aenderungen/",
        views.source_changes,
        name="source_changes",
    ),
    path("arbeitsbereich/vorlagen/", views.templates_index, name="templates"),
    path("arbeitsbereich/vorlagen/neu/", views.template_create, name="template_create"),
    path("arbeitsbereich/vorlagen/<id:template_id>/", views.template_edit, name="template"),
    path(
        "arbeitsbereich/vorlagen/<id:template_id>/nachnutzen/",
        views.template_adopt,
        name="template_adopt",
    ),
    path("vorlagen/<id:template_id>/", views.public_template, name="public_template"),
    path("arbeitsbereich/import/", views.import_use_cases, name="import"),
    path("arbeitsbereich/import/auftraege/<id:job_id>/", views.import_job, name="import_job"),
    path(
        "arbeitsbereich/import/vorlage.csv",
        views.import_template,
        {"extension": "csv"},
        name="import_template_csv",
    ),
    path(
        "arbeitsbereich/import/vorlage.xlsx",
        views.import_template,
        {"extension": "xlsx"},
        name="import_template_xlsx",
    ),
    path(
        "daten/standards/eu-annex-viii-c.schema.json",
        views.annex_viii_schema,
        name="annex_viii_schema",
    ),
    path("daten/standards/<str:code>/", views.standard_export, name="export"),
    path(
        "organisationen/<slug:slug>/daten/standards/<str:code>/",
        views.standard_export,
        name="organisation_export",
    ),
]
