"""/api/v1/ routes of the change log (included by config/api_urls.py)."""

from django.urls import path

from ledger import api

urlpatterns = [
    path("public/log/keys/", api.SigningKeysView.as_view(), name="log-keys"),
    path("public/log/<slug:slug>/heads/", api.SignedHeadsView.as_view(), name="log-heads"),
    path(
        "public/log/<slug:slug>/consistency/",
        api.ConsistencyProofView.as_view(),
        name="log-consistency",
    ),
    path(
        "public/use-cases/<id:use_case_id>/log-proofs/",
        api.DeprecatedInclusionProofsView.as_view(),
        name="log-inclusion",
    ),
]
