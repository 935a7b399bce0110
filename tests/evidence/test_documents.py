"""Attaching documents and their versions: stored privately, versioned, with who and why."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from evidence import services
from evidence.models import Document, DocumentVersion
from evidence.storage import evidence_storage
from tests.evidence import files
from tests.evidence.conftest import EVIDENCE_DATE, attach

pytestmark = pytest.mark.django_db


def test_a_document_is_stored_under_a_random_name_outside_any_served_directory(document):
    version = document.versions.get()
    assert version.number == 1
    assert "dsfa" not in version.file.name
    assert len(version.file.name.rsplit("/", 1)[-1]) == 64
    location = Path(evidence_storage().path(version.file.name)).resolve()
    assert location.read_bytes() == files.pdf()
    for served in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not location.is_relative_to(Path(served).resolve())


def test_the_stored_metadata_comes_from_the_content(document):
    version = document.versions.get()
    assert (version.content_type, version.file_name, version.size) == (
        "application/pdf",
        "dsfa.pdf",
        len(files.pdf()),
    )
    assert version.evidence_date == EVIDENCE_DATE


def test_attaching_records_who_and_why_in_the_history(document, department_head):
    (record,) = document.history.all()
    assert (record.history_user, record.history_change_reason) == (
        department_head,
        "DSFA abgeschlossen",
    )
    (version_record,) = document.versions.get().history.all()
    assert version_record.history_user == department_head


def test_a_new_version_keeps_the_old_one(document, department_head):
    first = document.versions.get()
    services.add_document_version(
        document,
        actor=department_head,
        file=files.upload(files.docx(), "dsfa-v2.docx"),
        file_name="dsfa-v2.docx",
        evidence_date=EVIDENCE_DATE,
        reason="DSFA nach Systemwechsel fortgeschrieben",
    )
    versions = list(document.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].file.name == first.file.name
    assert evidence_storage().exists(first.file.name)
    assert versions[1].reason == "DSFA nach Systemwechsel fortgeschrieben"
    assert versions[1].uploaded_by == department_head


def test_a_refused_file_leaves_nothing_behind(use_case, department_head):
    with pytest.raises(ValidationError) as excinfo:
        attach(department_head, "use_case", use_case.pk, b"<html>kein PDF</html>")
    assert "file" in excinfo.value.message_dict
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()


def test_a_version_needs_a_reason_and_a_date(document, department_head):
    with pytest.raises(ValidationError) as excinfo:
        services.add_document_version(
            document,
            actor=department_head,
            file=io.BytesIO(files.pdf()),
            file_name="x.pdf",
            evidence_date=None,
            reason=" ",
        )
    assert "reason" in excinfo.value.message_dict
    assert document.versions.count() == 1


def test_an_unknown_target_kind_is_not_found(department_head, use_case):
    with pytest.raises(Http404):
        attach(department_head, "webhook", use_case.pk)


def test_the_other_department_head_may_see_but_not_attach(other_department_head, use_case):
    with pytest.raises(PermissionDenied):
        attach(other_department_head, "use_case", use_case.pk)


@pytest.mark.parametrize("persona", ["dpo", "auditor"])
def test_reviewers_and_auditors_may_not_attach_to_a_use_case(request, persona, use_case):
    with pytest.raises(PermissionDenied):
        attach(request.getfixturevalue(persona), "use_case", use_case.pk)


@pytest.mark.parametrize("persona", ["foreign_board_member", "outsider"])
def test_a_foreign_use_case_is_not_found(request, persona, use_case):
    with pytest.raises(Http404):
        attach(request.getfixturevalue(persona), "use_case", use_case.pk)


def test_the_board_may_attach_to_any_use_case_of_its_organisation(board_member, use_case):
    assert attach(board_member, "use_case", use_case.pk).organisation_id == use_case.organisation_id


def test_organisation_documents_are_the_boards_to_attach(
    organisation, board_member, department_head
):
    document = attach(
        board_member,
        "organisation",
        organisation.pk,
        title="Schulung KI-Kompetenz 2026",
        category=Document.Category.AI_LITERACY,
    )
    assert document.use_case_id is None
    with pytest.raises(PermissionDenied):
        attach(department_head, "organisation", organisation.pk)


def test_the_reviewer_documents_their_own_sign_off(signed_use_case, iso, dpo):
    sign_off = signed_use_case.sign_offs.get()
    assert attach(iso, "sign_off", sign_off.pk, category="other").target_kind == "sign_off"
    with pytest.raises(PermissionDenied):
        attach(dpo, "sign_off", sign_off.pk, category="other")


def test_only_the_board_publishes(document, board_member, department_head):
    with pytest.raises(PermissionDenied):
        services.publish_document(document, actor=department_head, reason="öffentlich")
    published = services.publish_document(document, actor=board_member, reason="FRIA-Summary")
    assert published.is_published and published.published_by == board_member
    withdrawn = services.withdraw_document(document, actor=board_member, reason="Fehler")
    assert not withdrawn.is_published
    assert [h.history_change_reason for h in document.history.order_by("history_id")] == [
        "DSFA abgeschlossen",
        "FRIA-Summary",
        "Fehler",
    ]
