"""/api/v2/ routes of the change log (included by config/api_v2_urls.py)."""

from django.urls import path

from ledger import api

urlpatterns = [
    path(
        "public/use-cases/<id:use_case_id>/log-proofs/",
        api.InclusionProofsView.as_view(),
        name="v2-log-inclusion",
    ),
]
