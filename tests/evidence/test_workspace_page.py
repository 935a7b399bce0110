"""The workspace's evidence page: listing, uploading, refusing, and who may see it."""

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import Document
from governance import services as governance_services
from governance.models import ObligationItem
from tests.evidence import files
from tests.governance.conftest import HIGH_RISK

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(target: str, content: bytes, name: str = "dsfa.pdf") -> dict:
    return {
        "action": "new",
        "target": target,
        "title": "DSFA Wohngeld",
        "category": "dpia",
        "evidence_date": "2026-11-02",
        "reason": "abgeschlossen",
        "file": files.upload(content, name),
    }


def test_the_page_lists_documents_with_their_versions(document, department_head):
    page = _client(department_head).get(reverse("workspace:evidence", args=[document.use_case_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "DSFA Wohngeld" in html
    assert reverse("evidence:download-version", args=[document.pk, 1]) in html


def test_a_head_uploads_evidence_for_an_obligation(use_case, department_head):
    governance_services.classify_use_case(use_case, actor=department_head, facts=HIGH_RISK)
    item = ObligationItem.objects.get(use_case=use_case, obligation="art_26_deployer_obligations")
    url = reverse("workspace:evidence", args=[use_case.pk])
    response = _client(department_head).post(url, _form(f"obligation:{item.pk}", files.pdf()))
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.target_kind, document.target_id) == ("obligation", item.pk)


def test_a_disguised_file_is_refused_with_the_field_named(use_case, department_head):
    url = reverse("workspace:evidence", args=[use_case.pk])
    response = _client(department_head).post(url, _form(f"use_case:{use_case.pk}", b"<html>"))
    assert response.status_code == 400
    assert "HTML" in response.content.decode()
    assert not Document.objects.exists()


def test_an_oversized_file_is_refused_while_it_is_read(use_case, department_head, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    settings.API_MAX_UPLOAD_BYTES = 1024 * 1024
    url = reverse("workspace:evidence", args=[use_case.pk])
    big = files.pdf() + b"%" * 200_000
    response = _client(department_head).post(url, _form(f"use_case:{use_case.pk}", big))
    assert response.status_code == 400
    assert "zu groß" in response.content.decode()
    assert not Document.objects.exists()


def test_a_reviewer_sees_but_gets_no_upload_form(document, dpo):
    page = _client(dpo).get(reverse("workspace:evidence", args=[document.use_case_id]))
    assert page.status_code == 200
    assert 'name="action" value="new"' not in page.content.decode()


def test_a_reviewer_cannot_post(document, dpo):
    url = reverse("workspace:evidence", args=[document.use_case_id])
    response = _client(dpo).post(url, _form(f"use_case:{document.use_case_id}", files.pdf()))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["foreign_board_member", "outsider"])
def test_a_foreign_use_cases_page_is_404(request, document, persona):
    page = _client(request.getfixturevalue(persona)).get(
        reverse("workspace:evidence", args=[document.use_case_id])
    )
    assert page.status_code == 404


def test_a_new_version_based_on_an_older_page_is_refused_and_names_who_uploaded(
    document, department_head, board_member
):
    url = reverse("workspace:evidence", args=[document.use_case_id])
    page = _client(department_head).get(url).content.decode()
    assert f'name="v{document.pk}-version" value="1"' in page

    def upload(user, version: str, name: str):
        return _client(user).post(
            url,
            {
                "action": f"version:{document.pk}",
                f"v{document.pk}-version": version,
                f"v{document.pk}-evidence_date": "2026-11-03",
                f"v{document.pk}-reason": "ergänzt",
                f"v{document.pk}-file": files.upload(files.pdf(), name),
            },
        )

    # The board uploads version 2 from a page that showed version 1.
    assert upload(board_member, "1", "board.pdf").status_code == 302
    # The head's page showed version 1 too: the upload is refused, nothing is stored.
    refused = upload(department_head, "1", "head.pdf")
    assert refused.status_code == 400
    assert "Inzwischen hat" in refused.content.decode()
    assert "Version 2" in refused.content.decode()
    assert [v.file_name for v in document.versions.order_by("number")] == ["dsfa.pdf", "board.pdf"]
    # From the current page it goes through.
    assert upload(department_head, "2", "head.pdf").status_code == 302
    assert document.versions.count() == 3
