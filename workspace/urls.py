from django.urls import path

from workspace import evidence_views, incident_views, views

app_name = "workspace"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.landing, name="landing"),
    path("neu/", views.create, name="create"),
    path("fortsetzen/", views.resume, name="resume"),
    path("pruefungen/", views.inbox, name="inbox"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/schritt/<slug:slug>/", views.step, name="step"),
    path("<id:pk>/schritt/risiko/frage/<slug:key>/", views.risk_question, name="risk_question"),
    path("<id:pk>/einreichen/", views.submit, name="submit"),
    path("<id:pk>/versionen/", views.history, name="history"),
    path("<id:pk>/nachweise/", evidence_views.evidence, name="evidence"),
    path("<id:pk>/votum/<slug:role>/", views.sign_off, name="sign_off"),
    path("stoerungen/", incident_views.incident_list, name="incidents"),
    path("stoerungen/neu/", incident_views.incident_create, name="incident_create"),
    path("stoerungen/<id:pk>/", incident_views.incident_detail, name="incident"),
    path("stoerungen/<id:pk>/bearbeiten/", incident_views.incident_edit, name="incident_edit"),
    path("stoerungen/<id:pk>/meldung/", incident_views.incident_report, name="incident_report"),
    path("stoerungen/<id:pk>/massnahme/", incident_views.incident_action, name="incident_action"),
    path(
        "stoerungen/<id:pk>/massnahme/<id:action_pk>/erledigt/",
        incident_views.incident_action_done,
        name="incident_action_done",
    ),
    path("stoerungen/<id:pk>/hinweis/", incident_views.incident_note, name="incident_note"),
    path("stoerungen/<id:pk>/aussetzen/", incident_views.incident_suspend, name="incident_suspend"),
    path("fristen/", incident_views.response_settings, name="response_settings"),
    path("widersprueche/", incident_views.objection_list, name="objections"),
    path("widersprueche/neu/", incident_views.objection_create, name="objection_create"),
    path("widersprueche/<id:pk>/", incident_views.objection_detail, name="objection"),
]
