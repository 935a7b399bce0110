"""Downloads only through the checking view: persona × document, and what the answer says."""

import pytest
from django.test import Client
from django.urls import reverse

from evidence import services
from registry.models import PublishedUseCase
from tests.evidence.conftest import attach

pytestmark = pytest.mark.django_db

# Who gets the department head's use-case document: everyone who may see the use case.
USE_CASE_DOCUMENT = {
    "department_head": 200,
    "other_department_head": 200,
    "dpo": 200,
    "iso": 200,
    "staff_council": 200,
    "auditor": 200,
    "board_member": 200,
    "foreign_board_member": 404,
    "foreign_department_head": 404,
    "outsider": 404,
}


def _get(client: Client, user, url: str):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(("persona", "expected"), USE_CASE_DOCUMENT.items())
def test_use_case_document_download_by_persona(client, request, document, persona, expected):
    url = reverse("evidence:download", args=[document.pk])
    assert _get(client, request.getfixturevalue(persona), url).status_code == expected


def test_anonymous_visitors_are_sent_to_log_in(client, document):
    response = client.get(reverse("evidence:download", args=[document.pk]))
    assert response.status_code == 302
    assert "/konto/" in response["Location"] or "login" in response["Location"]


def test_a_missing_document_is_the_same_404(client, board_member):
    assert (
        _get(client, board_member, reverse("evidence:download", args=[999999])).status_code == 404
    )


def test_the_download_is_an_attachment_that_is_never_sniffed(client, document, department_head):
    response = _get(client, department_head, reverse("evidence:download", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="dsfa.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_an_unsafe_file_name_is_offered_safely(client, use_case, department_head):
    document = attach(department_head, "use_case", use_case.pk, file_name='Bericht "neu";.pdf')
    response = _get(client, department_head, reverse("evidence:download", args=[document.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="Bericht _neu.pdf"'


def test_an_earlier_version_can_be_downloaded(client, document, department_head):
    url = reverse("evidence:download-version", args=[document.pk, 1])
    assert _get(client, department_head, url).status_code == 200
    url = reverse("evidence:download-version", args=[document.pk, 2])
    assert _get(client, department_head, url).status_code == 404


def test_organisation_documents_are_for_everyone_in_the_organisation(
    client, organisation, board_member, dpo, foreign_board_member
):
    document = attach(board_member, "organisation", organisation.pk, category="ai_literacy")
    url = reverse("evidence:download", args=[document.pk])
    assert _get(client, dpo, url).status_code == 200
    assert _get(Client(), foreign_board_member, url).status_code == 404


def test_an_unpublished_document_is_not_public(client, document):
    assert client.get(reverse("evidence:public-download", args=[document.pk])).status_code == 404


def test_a_published_document_of_an_internal_use_case_is_not_public(client, document, board_member):
    services.publish_document(document, actor=board_member, reason="FRIA-Zusammenfassung")
    assert not PublishedUseCase.objects.filter(use_case_id=document.use_case_id).exists()
    assert client.get(reverse("evidence:public-download", args=[document.pk])).status_code == 404


def test_a_published_organisation_document_is_public(client, organisation, board_member):
    document = attach(board_member, "organisation", organisation.pk, category="ai_literacy")
    url = reverse("evidence:public-download", args=[document.pk])
    assert client.get(url).status_code == 404
    services.publish_document(document, actor=board_member, reason="Transparenz")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
