"""One truth for assessments and obligations: the use case's assessment fields and the
obligation items are one state, whichever way the evidence was recorded."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance import assessments, selectors, services
from governance.models import ObligationItem
from tests.evidence.conftest import attach
from tests.governance.conftest import HIGH_RISK, reload

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
PERSONAL = {"processes_personal_data": True, "dpia_status": "open", "dpia_not_needed_reason": ""}


def _item(use_case, obligation="dpia") -> ObligationItem:
    return ObligationItem.objects.get(use_case=use_case, obligation=obligation)


def _consistent(use_case) -> None:
    """Every assessment item is exactly what the use case's fields derive."""
    use_case = reload(use_case)
    for item in ObligationItem.objects.filter(
        use_case=use_case, obligation__in=list(assessments.ASSESSMENTS)
    ):
        derived = assessments.derive(
            assessments.ASSESSMENTS[item.obligation],
            use_case,
            has_document=item.pk in {d.target_id for d in use_case.documents.all()},
            confirmed=item.confirmed_at is not None,
            item_reason=item.reason,
        )
        assert item.status == derived.status, item.obligation


@pytest.fixture
def personal_use_case(use_case, department_head):
    services.change_use_case(use_case, actor=department_head, reason="Daten", **PERSONAL)
    use_case.refresh_from_db()
    return use_case


def test_a_dpia_recorded_in_the_form_satisfies_its_obligation(personal_use_case, department_head):
    assert _item(personal_use_case).status == "open"
    services.change_use_case(
        personal_use_case,
        actor=department_head,
        reason="Schritt Folgenabschätzungen",
        dpia_status="done",
        dpia_date=DAY,
        dpia_reference="DMS 2026/117",
    )
    item = _item(personal_use_case)
    assert (item.status, item.evidence_date) == ("done", DAY)
    assert item not in selectors.open_obligations(personal_use_case.organisation)
    _consistent(personal_use_case)


def test_done_without_a_date_or_evidence_stays_open(personal_use_case, department_head):
    services.change_use_case(
        personal_use_case, actor=department_head, reason="Schritt", dpia_status="done"
    )
    assert _item(personal_use_case).status == "open"
    _consistent(personal_use_case)


def test_setting_the_dpia_back_to_open_reopens_the_obligation(personal_use_case, department_head):
    services.change_use_case(
        personal_use_case,
        actor=department_head,
        reason="Schritt",
        dpia_status="done",
        dpia_date=DAY,
        dpia_reference="DMS 1",
    )
    services.change_use_case(
        personal_use_case, actor=department_head, reason="Schritt", dpia_status="open"
    )
    assert _item(personal_use_case).status == "open"
    _consistent(personal_use_case)


def test_marking_the_obligation_done_writes_the_assessment(personal_use_case, department_head):
    services.update_obligation(
        _item(personal_use_case),
        actor=department_head,
        status="done",
        evidence_url="https://dms.example/dsfa",
        evidence_date=DAY,
    )
    use_case = reload(personal_use_case)
    assert (use_case.dpia_status, use_case.dpia_date, use_case.dpia_reference) == (
        "done",
        DAY,
        "https://dms.example/dsfa",
    )
    assert _item(use_case).status == "done"
    _consistent(use_case)


def test_not_needed_in_the_obligation_form_is_the_forms_not_needed(
    personal_use_case, department_head
):
    services.update_obligation(
        _item(personal_use_case),
        actor=department_head,
        status="not_applicable",
        reason="Nur pseudonymisierte Statistikdaten.",
    )
    use_case = reload(personal_use_case)
    assert use_case.dpia_status == "not_needed"
    assert use_case.dpia_not_needed_reason == "Nur pseudonymisierte Statistikdaten."
    assert _item(use_case).status == "not_applicable"
    _consistent(use_case)


@pytest.fixture
def chatbot(use_case, department_head):
    services.classify_use_case(use_case, actor=department_head, facts=HIGH_RISK)
    use_case.refresh_from_db()
    return use_case


def test_an_obligation_is_done_only_with_evidence(chatbot, department_head):
    item = _item(chatbot, "art_26_deployer_obligations")
    with pytest.raises(ValidationError) as excinfo:
        services.update_obligation(item, actor=department_head, status="done")
    assert set(excinfo.value.message_dict) == {"evidence_url", "evidence_date"}
    item.refresh_from_db()
    assert item.status == "open"


def test_a_document_is_evidence_enough(chatbot, department_head):
    item = _item(chatbot, "art_26_deployer_obligations")
    attach(department_head, "obligation", item.pk, category="other")
    done = services.update_obligation(item, actor=department_head, status="done", evidence_date=DAY)
    assert (done.status, done.evidence_date) == ("done", DAY)


def test_a_future_evidence_date_is_refused(chatbot, department_head):
    item = _item(chatbot, "art_26_deployer_obligations")
    with pytest.raises(ValidationError) as excinfo:
        services.update_obligation(
            item,
            actor=department_head,
            status="done",
            evidence_url="https://lms.example/kurs",
            evidence_date=datetime.date(2999, 1, 1),
        )
    assert "evidence_date" in excinfo.value.message_dict


@pytest.fixture
def high_risk_use_case(use_case, department_head):
    services.classify_use_case(use_case, actor=department_head, facts=HIGH_RISK)
    use_case.refresh_from_db()
    return use_case


def test_the_fria_counts_only_once_the_board_confirms_it(
    high_risk_use_case, department_head, board_member
):
    fria = _item(high_risk_use_case, "art_27_fria")
    services.update_obligation(
        fria,
        actor=department_head,
        status="done",
        evidence_url="https://dms.example/fria",
        evidence_date=DAY,
    )
    assert reload(high_risk_use_case).fria_status == "done"
    assert _item(high_risk_use_case, "art_27_fria").status == "open"
    with pytest.raises(PermissionDenied):
        services.confirm_obligation(fria, actor=department_head, note="passt")
    confirmed = services.confirm_obligation(fria, actor=board_member, note="vollständig")
    assert (confirmed.status, confirmed.confirmed_by) == ("done", board_member)
    _consistent(high_risk_use_case)


def test_new_fria_evidence_needs_a_new_confirmation(
    high_risk_use_case, department_head, board_member
):
    services.update_obligation(
        _item(high_risk_use_case, "art_27_fria"),
        actor=board_member,
        status="done",
        evidence_url="https://dms.example/fria",
        evidence_date=DAY,
    )
    # Recorded by a board member: confirmed at once.
    assert _item(high_risk_use_case, "art_27_fria").status == "done"
    services.change_use_case(
        high_risk_use_case,
        actor=department_head,
        reason="FRIA fortgeschrieben",
        fria_date=DAY + datetime.timedelta(days=30),
    )
    item = _item(high_risk_use_case, "art_27_fria")
    assert (item.status, item.confirmed_at) == ("open", None)
    _consistent(high_risk_use_case)


def test_recording_evidence_does_not_send_an_approved_use_case_back(
    approved_use_case, department_head
):
    services.change_use_case(
        approved_use_case,
        actor=department_head,
        reason="Sicherheitskonzept liegt vor",
        security_concept_status="done",
        security_concept_date=DAY,
        security_concept_reference="ISMS 4711",
    )
    assert reload(approved_use_case).workflow_state == "approved"


def test_evidence_older_than_the_last_substantive_change_is_stale(
    personal_use_case, department_head
):
    services.change_use_case(
        personal_use_case,
        actor=department_head,
        reason="DSFA",
        dpia_status="done",
        dpia_date=datetime.date(2020, 1, 1),
        dpia_reference="DMS 1",
    )
    assert services.stale_evidence(reload(personal_use_case))  # the purpose came after it
    services.change_use_case(
        personal_use_case, actor=department_head, reason="Zweck", purpose="Ein neuer Zweck."
    )
    (stale,) = services.stale_evidence(reload(personal_use_case))
    assert stale.assessment.obligation == "dpia"
    assert stale.evidence_date == datetime.date(2020, 1, 1)


def test_evidence_after_the_last_substantive_change_is_not_stale(
    personal_use_case, department_head
):
    from django.utils import timezone

    services.change_use_case(
        personal_use_case,
        actor=department_head,
        reason="DSFA",
        dpia_status="done",
        dpia_date=timezone.localdate(),
        dpia_reference="DMS 1",
    )
    assert services.stale_evidence(reload(personal_use_case)) == []
