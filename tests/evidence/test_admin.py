"""The board's document admin: its organisation's documents only, publishing through services."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _staff(user) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


def test_the_board_sees_its_documents_with_their_versions(document, board_member):
    client = _staff(board_member)
    page = client.get(reverse("admin:evidence_document_change", args=[document.pk]))
    assert page.status_code == 200
    assert reverse("evidence:download-version", args=[document.pk, 1]) in page.content.decode()


def test_a_foreign_boards_document_is_404(document, foreign_board_member):
    client = _staff(foreign_board_member)
    url = reverse("admin:evidence_document_change", args=[document.pk])
    assert client.get(url).status_code == 404
    assert (
        document.title
        not in client.get(reverse("admin:evidence_document_changelist")).content.decode()
    )


def test_the_board_publishes_from_the_list(document, board_member):
    client = _staff(board_member)
    response = client.post(
        reverse("admin:evidence_document_changelist"),
        {"action": "publish", "_selected_action": [document.pk]},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_published
    assert document.history.first().history_user == board_member
