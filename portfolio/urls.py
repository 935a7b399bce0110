"""The portfolio's addresses: the board's pages, a use case's pages, the public outcomes, and
the Fahrplan 2027 (under the maturity pages' prefix: it continues the Standortbestimmung)."""

from django.urls import path

from portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("gremium/auswahl/", views.portfolio_page, name="portfolio"),
    path("gremium/kennzahlen/", views.indicators, name="indicators"),
    path("arbeitsbereich/<id:pk>/eignung/", views.suitability, name="suitability"),
    path("arbeitsbereich/<id:pk>/wirkung/", views.outcomes, name="outcomes"),
    path(
        "arbeitsbereich/<id:pk>/wirkung/<id:measurement_pk>/korrigieren/",
        views.correct_measurement,
        name="correct_measurement",
    ),
    path("organisationen/<slug:slug>/wirkung/", views.public_outcomes, name="public_outcomes"),
    path("daten/wirkung.json", views.outcomes_json, name="outcomes_json"),
    path("daten/wirkung.csv", views.outcomes_csv_file, name="outcomes_csv"),
    path("gremium/reifegrad/<slug:slug>/fahrplan/", views.roadmap, name="roadmap"),
    path("gremium/reifegrad/<slug:slug>/fahrplan.pdf", views.roadmap_pdf, name="roadmap_pdf"),
]
