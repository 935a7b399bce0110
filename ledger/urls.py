"""Public addresses of the change log (namespace "ledger")."""

from django.urls import path

from ledger import views

app_name = "ledger"
urlpatterns = [
    path("daten/protokoll/", views.change_log, name="change_log"),
    path(
        "daten/protokoll/<slug:slug>/oeffentlich.jsonl",
        views.public_log_download,
        name="public_log_download",
    ),
]
