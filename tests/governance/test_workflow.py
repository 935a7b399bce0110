"""The review workflow for every persona: draft → submitted → in review → decided → operation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from governance import services
from governance.models import Decision, ObligationItem, SignOff, Submission
from registry.models import PublishedUseCase
from tests.governance.conftest import HIGH_RISK, reload

# -- submitting ----------------------------------------------------------------------------------

EVIDENCE_DATE = datetime.date(2026, 1, 15)


def test_department_head_submits_and_the_record_says_so(classified_use_case, department_head):
    submission = services.submit_use_case(
        classified_use_case, actor=department_head, note="Pilot läuft"
    )
    use_case = reload(classified_use_case)
    assert use_case.workflow_state == "submitted"
    assert submission.submitted_by == department_head
    newest = use_case.history.first()
    assert newest.history_user == department_head
    assert "Pilot läuft" in newest.history_change_reason


def test_board_may_submit(classified_use_case, board_member):
    services.submit_use_case(classified_use_case, actor=board_member)
    assert reload(classified_use_case).workflow_state == "submitted"


def test_head_of_another_department_cannot_submit(classified_use_case, other_department_head):
    with pytest.raises(PermissionDenied):
        services.submit_use_case(classified_use_case, actor=other_department_head)
    assert reload(classified_use_case).workflow_state == "draft"


@pytest.mark.parametrize("persona", ["dpo", "iso", "staff_council", "auditor"])
def test_reviewers_and_auditors_cannot_submit(request, classified_use_case, persona):
    with pytest.raises(PermissionDenied):
        services.submit_use_case(classified_use_case, actor=request.getfixturevalue(persona))


@pytest.mark.parametrize("persona", ["foreign_board_member", "foreign_department_head", "outsider"])
def test_people_of_another_organisation_do_not_find_the_use_case(
    request, classified_use_case, persona
):
    with pytest.raises(Http404):
        services.submit_use_case(classified_use_case, actor=request.getfixturevalue(persona))


def test_a_use_case_without_risk_classification_cannot_be_submitted(use_case, department_head):
    with pytest.raises(ValidationError) as exc:
        services.submit_use_case(use_case, actor=department_head)
    assert "risk_classification" in exc.value.message_dict
    assert not Submission.objects.exists()


def test_a_submitted_use_case_cannot_be_submitted_again(submitted_use_case, department_head):
    with pytest.raises(ValidationError) as exc:
        services.submit_use_case(submitted_use_case, actor=department_head)
    assert "workflow_state" in exc.value.message_dict


# -- signing off ---------------------------------------------------------------------------------


def test_the_first_sign_off_starts_the_review(submitted_use_case, iso):
    sign_off = services.sign_off_use_case(
        submitted_use_case, actor=iso, role="iso", verdict="agree"
    )
    assert sign_off.signed_by == iso
    assert reload(submitted_use_case).workflow_state == "in_review"


def test_an_objection_needs_a_reason(submitted_use_case, iso):
    with pytest.raises(ValidationError) as exc:
        services.sign_off_use_case(submitted_use_case, actor=iso, role="iso", verdict="object")
    assert "reason" in exc.value.message_dict
    assert not SignOff.objects.exists()


def test_dpo_signs_off_only_when_personal_data_is_processed(submitted_use_case, dpo):
    with pytest.raises(PermissionDenied):
        services.sign_off_use_case(submitted_use_case, actor=dpo, role="dpo", verdict="agree")


def test_staff_council_signs_off_only_on_systems_suitable_to_monitor_staff(
    submitted_use_case, staff_council
):
    with pytest.raises(PermissionDenied):
        services.sign_off_use_case(
            submitted_use_case, actor=staff_council, role="staff_council", verdict="agree"
        )


def test_nobody_signs_off_in_a_role_they_do_not_hold(submitted_use_case, dpo, board_member):
    for actor in (dpo, board_member):
        with pytest.raises(PermissionDenied):
            services.sign_off_use_case(submitted_use_case, actor=actor, role="iso", verdict="agree")


def test_a_reviewer_of_another_organisation_does_not_find_the_use_case(
    submitted_use_case, other_organisation
):
    from accounts.models import Membership
    from tests.conftest import make_person

    foreign_iso = make_person(
        "foreign_iso", other_organisation, Membership.Role.INFORMATION_SECURITY_OFFICER
    )
    with pytest.raises(Http404):
        services.sign_off_use_case(
            submitted_use_case, actor=foreign_iso, role="iso", verdict="agree"
        )


def test_a_role_signs_off_once_per_round(signed_use_case, iso):
    with pytest.raises(ValidationError):
        services.sign_off_use_case(
            signed_use_case, actor=iso, role="iso", verdict="object", reason="x"
        )


def test_a_draft_cannot_be_signed_off(classified_use_case, iso):
    with pytest.raises(ValidationError) as exc:
        services.sign_off_use_case(classified_use_case, actor=iso, role="iso", verdict="agree")
    assert "workflow_state" in exc.value.message_dict


# -- deciding ------------------------------------------------------------------------------------


def test_board_approves_and_the_use_case_is_published(signed_use_case, board_member):
    decision = services.decide_use_case(
        signed_use_case, actor=board_member, outcome="approved", rationale="Nutzen belegt"
    )
    use_case = reload(signed_use_case)
    assert use_case.workflow_state == "approved"
    assert decision.rationale == "Nutzen belegt"
    assert use_case.next_review_date is not None
    record = PublishedUseCase.objects.get(use_case=use_case)
    assert record.history.get().history_user == board_member


def test_approval_sets_the_review_date_from_the_organisations_interval(
    signed_use_case, board_member, organisation
):
    from django.utils import timezone

    from governance.services import add_months

    services.decide_use_case(
        signed_use_case, actor=board_member, outcome="approved", rationale="ok"
    )
    expected = add_months(timezone.localdate(), organisation.review_interval_default_months)
    assert reload(signed_use_case).next_review_date == expected


def test_a_rejection_is_never_published(signed_use_case, board_member):
    services.decide_use_case(
        signed_use_case, actor=board_member, outcome="rejected", rationale="Kein Nutzen"
    )
    assert reload(signed_use_case).workflow_state == "rejected"
    assert not PublishedUseCase.objects.exists()


def test_requested_changes_go_back_to_the_department_and_can_be_resubmitted(
    signed_use_case, board_member, department_head, iso
):
    services.decide_use_case(
        signed_use_case, actor=board_member, outcome="changes_requested", rationale="Zweck?"
    )
    assert reload(signed_use_case).workflow_state == "changes_requested"
    assert not PublishedUseCase.objects.exists()
    services.submit_use_case(signed_use_case, actor=department_head)
    # The new round needs its own sign-offs.
    with pytest.raises(ValidationError):
        services.decide_use_case(
            signed_use_case, actor=board_member, outcome="approved", rationale="x"
        )


def test_a_decision_needs_a_rationale(signed_use_case, board_member):
    with pytest.raises(ValidationError) as exc:
        services.decide_use_case(
            signed_use_case, actor=board_member, outcome="approved", rationale=" "
        )
    assert "rationale" in exc.value.message_dict
    assert not Decision.objects.exists()


def test_no_decision_before_the_required_sign_offs(submitted_use_case, board_member):
    with pytest.raises(ValidationError) as exc:
        services.decide_use_case(
            submitted_use_case, actor=board_member, outcome="approved", rationale="ok"
        )
    assert "Informationssicherheitsbeauftragte" in exc.value.message_dict["sign_offs"][0]


def test_personal_data_needs_the_dpos_sign_off_too(
    classified_use_case, department_head, iso, dpo, board_member
):
    services.change_use_case(
        classified_use_case, actor=department_head, reason="Daten", processes_personal_data=True
    )
    services.submit_use_case(classified_use_case, actor=department_head)
    services.sign_off_use_case(classified_use_case, actor=iso, role="iso", verdict="agree")
    with pytest.raises(ValidationError):
        services.decide_use_case(
            classified_use_case, actor=board_member, outcome="approved", rationale="ok"
        )
    services.sign_off_use_case(classified_use_case, actor=dpo, role="dpo", verdict="agree")
    services.decide_use_case(
        classified_use_case, actor=board_member, outcome="approved", rationale="ok"
    )
    assert reload(classified_use_case).workflow_state == "approved"


def test_monitoring_staff_needs_the_staff_councils_sign_off(
    classified_use_case, department_head, iso, staff_council, board_member
):
    services.change_use_case(
        classified_use_case, actor=department_head, reason="Dienstplan", monitors_staff=True
    )
    services.submit_use_case(classified_use_case, actor=department_head)
    services.sign_off_use_case(classified_use_case, actor=iso, role="iso", verdict="agree")
    with pytest.raises(ValidationError):
        services.decide_use_case(
            classified_use_case, actor=board_member, outcome="approved", rationale="ok"
        )
    services.sign_off_use_case(
        classified_use_case,
        actor=staff_council,
        role="staff_council",
        verdict="object",
        reason="Dienstvereinbarung fehlt",
    )
    services.decide_use_case(
        classified_use_case, actor=board_member, outcome="changes_requested", rationale="DV"
    )
    assert reload(classified_use_case).workflow_state == "changes_requested"


def test_board_cannot_decide_its_own_submission(
    classified_use_case, board_member, second_board_member, iso
):
    services.submit_use_case(classified_use_case, actor=board_member)
    services.sign_off_use_case(classified_use_case, actor=iso, role="iso", verdict="agree")
    with pytest.raises(PermissionDenied):
        services.decide_use_case(
            classified_use_case, actor=board_member, outcome="approved", rationale="ok"
        )
    services.decide_use_case(
        classified_use_case, actor=second_board_member, outcome="approved", rationale="ok"
    )
    assert reload(classified_use_case).workflow_state == "approved"


@pytest.mark.parametrize("persona", ["dpo", "iso", "staff_council", "department_head", "auditor"])
def test_only_the_board_decides(request, signed_use_case, persona):
    with pytest.raises(PermissionDenied):
        services.decide_use_case(
            signed_use_case,
            actor=request.getfixturevalue(persona),
            outcome="approved",
            rationale="ok",
        )
    assert not Decision.objects.exists()


def test_the_board_of_another_organisation_does_not_find_the_use_case(
    signed_use_case, foreign_board_member
):
    with pytest.raises(Http404):
        services.decide_use_case(
            signed_use_case, actor=foreign_board_member, outcome="approved", rationale="ok"
        )


def test_a_prohibited_system_cannot_be_approved(use_case, department_head, iso, board_member):
    services.classify_use_case(
        use_case,
        actor=department_head,
        facts={"is_ai_system": True, "prohibited_practices": ["5_1_c"]},
    )
    services.submit_use_case(use_case, actor=department_head)
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    with pytest.raises(ValidationError) as exc:
        services.decide_use_case(use_case, actor=board_member, outcome="approved", rationale="ok")
    assert "outcome" in exc.value.message_dict


# -- operation, retirement -----------------------------------------------------------------------


def test_department_head_puts_an_approved_use_case_into_operation(
    approved_use_case, department_head
):
    services.put_into_operation(approved_use_case, actor=department_head, reason="Start")
    use_case = reload(approved_use_case)
    assert use_case.workflow_state == "in_operation"
    assert use_case.status == "in_operation"
    assert PublishedUseCase.objects.get(use_case=use_case).status == "in_operation"


def test_only_approved_use_cases_go_into_operation(signed_use_case, department_head):
    with pytest.raises(ValidationError):
        services.put_into_operation(signed_use_case, actor=department_head, reason="Start")


@pytest.mark.parametrize("persona", ["other_department_head", "dpo", "iso"])
def test_others_cannot_put_into_operation(request, approved_use_case, persona):
    with pytest.raises(PermissionDenied):
        services.put_into_operation(
            approved_use_case, actor=request.getfixturevalue(persona), reason="Start"
        )


def test_a_high_risk_system_needs_fria_and_registration_before_first_use(
    use_case, department_head, iso, board_member
):
    services.classify_use_case(use_case, actor=department_head, facts=HIGH_RISK)
    services.submit_use_case(use_case, actor=department_head)
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    services.decide_use_case(use_case, actor=board_member, outcome="approved", rationale="ok")
    with pytest.raises(ValidationError) as exc:
        services.put_into_operation(use_case, actor=department_head, reason="Start")
    assert "Grundrechte-Folgenabschätzung" in exc.value.message_dict["obligations"][0]
    for obligation in ("art_27_fria", "art_49_registration"):
        item = ObligationItem.objects.get(use_case=use_case, obligation=obligation)
        services.update_obligation(
            item,
            actor=department_head,
            status="done",
            evidence_url="https://dms.example/1",
            evidence_date=EVIDENCE_DATE,
        )
    # The FRIA is the deployer's: until the board confirms it, it still blocks first use.
    with pytest.raises(ValidationError):
        services.put_into_operation(use_case, actor=department_head, reason="Start")
    fria = ObligationItem.objects.get(use_case=use_case, obligation="art_27_fria")
    services.confirm_obligation(fria, actor=board_member, note="FRIA gelesen, vollständig")
    services.put_into_operation(use_case, actor=department_head, reason="Start")
    assert reload(use_case).workflow_state == "in_operation"


def test_retiring_a_published_use_case_publishes_its_retirement(approved_use_case, board_member):
    services.retire_use_case(approved_use_case, actor=board_member, reason="Vertrag beendet")
    use_case = reload(approved_use_case)
    assert use_case.workflow_state == "retired"
    assert use_case.next_review_date is None
    assert PublishedUseCase.objects.get(use_case=use_case).status == "retired"


def test_withdrawing_a_draft_never_publishes_it(classified_use_case, department_head):
    services.retire_use_case(classified_use_case, actor=department_head, reason="verworfen")
    assert reload(classified_use_case).workflow_state == "retired"
    assert not PublishedUseCase.objects.exists()


def test_a_transition_needs_a_reason(approved_use_case, department_head):
    with pytest.raises(ValidationError) as exc:
        services.retire_use_case(approved_use_case, actor=department_head, reason="")
    assert "reason" in exc.value.message_dict


# -- changes after approval ----------------------------------------------------------------------


def test_a_substantive_change_sends_an_approved_use_case_back_to_review(
    approved_use_case, department_head
):
    services.change_use_case(
        approved_use_case, actor=department_head, reason="Neues Modell", purpose="Anderer Zweck"
    )
    use_case = reload(approved_use_case)
    assert use_case.workflow_state == "submitted"
    assert "erneut in die Prüfung" in use_case.history.first().history_change_reason
    assert Submission.objects.filter(use_case=use_case, kind="changed").exists()
    # The public keeps seeing what was approved.
    assert PublishedUseCase.objects.get(use_case=use_case).purpose == "Kürzere Bearbeitungszeiten."


def test_a_changed_child_row_is_substantive_too(approved_use_case, department_head):
    services.change_use_case(
        approved_use_case,
        actor=department_head,
        reason="Rechtsgrundlage",
        children={"legal_bases": [{"law": "SGB X", "provision": "§ 67b"}]},
    )
    assert reload(approved_use_case).workflow_state == "submitted"


def test_an_editorial_change_keeps_the_approval_and_reaches_the_public(
    approved_use_case, department_head
):
    services.change_use_case(
        approved_use_case,
        actor=department_head,
        reason="Postfach",
        public_contact_email="wohngeld@lf.example",
    )
    use_case = reload(approved_use_case)
    assert use_case.workflow_state == "approved"
    assert (
        PublishedUseCase.objects.get(use_case=use_case).public_contact_email
        == "wohngeld@lf.example"
    )


def test_an_approved_change_to_a_system_in_operation_returns_it_to_operation(
    approved_use_case, department_head, iso, board_member
):
    services.put_into_operation(approved_use_case, actor=department_head, reason="Start")
    services.change_use_case(approved_use_case, actor=department_head, reason="Neu", purpose="Neu")
    services.sign_off_use_case(approved_use_case, actor=iso, role="iso", verdict="agree")
    services.decide_use_case(
        approved_use_case, actor=board_member, outcome="approved", rationale="ok"
    )
    use_case = reload(approved_use_case)
    assert use_case.workflow_state == "in_operation"
    assert PublishedUseCase.objects.get(use_case=use_case).purpose == "Neu"


def test_changing_an_answer_of_an_approved_use_case_sends_it_back_to_review(
    approved_use_case, department_head
):
    services.classify_use_case(approved_use_case, actor=department_head, facts=HIGH_RISK)
    assert reload(approved_use_case).workflow_state == "submitted"


def test_the_workflow_state_cannot_be_changed_directly(classified_use_case, board_member):
    with pytest.raises(ValidationError):
        services.change_use_case(
            classified_use_case, actor=board_member, reason="x", workflow_state="approved"
        )


def test_a_dpo_cannot_change_a_use_case(classified_use_case, dpo):
    with pytest.raises(PermissionDenied):
        services.change_use_case(classified_use_case, actor=dpo, reason="x", purpose="y")


# -- obligations ---------------------------------------------------------------------------------


@pytest.fixture
def open_item(classified_use_case, department_head):
    """An open Art. 50(1) item: a provider's chatbot must say it is an AI (Art. 50 Abs. 1)."""
    services.classify_use_case(
        classified_use_case,
        actor=department_head,
        facts={"is_ai_system": True, "role": "provider", "interacts_with_natural_persons": True},
    )
    return ObligationItem.objects.get(use_case=classified_use_case, obligation="art_50_1")


def test_not_applicable_needs_a_reason_and_records_who_and_when(open_item, department_head):
    item = open_item
    with pytest.raises(ValidationError) as exc:
        services.update_obligation(item, actor=department_head, status="not_applicable")
    assert "reason" in exc.value.message_dict
    item = services.update_obligation(
        item,
        actor=department_head,
        status="done",
        evidence_url="https://lms.example/kurs",
        evidence_date=EVIDENCE_DATE,
    )
    assert item.updated_by == department_head
    assert item.updated_at is not None
    assert item.history.first().history_user == department_head


def test_a_bad_evidence_link_is_refused(open_item, department_head):
    item = open_item
    with pytest.raises(ValidationError) as exc:
        services.update_obligation(
            item,
            actor=department_head,
            status="done",
            evidence_url="kein link",
            evidence_date=EVIDENCE_DATE,
        )
    assert "evidence_url" in exc.value.message_dict
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize("persona", ["other_department_head", "dpo", "auditor"])
def test_others_cannot_update_obligations(request, open_item, persona):
    item = open_item
    with pytest.raises(PermissionDenied):
        services.update_obligation(item, actor=request.getfixturevalue(persona), status="done")


def test_periodic_review_sets_the_next_date(approved_use_case, board_member, department_head):
    from django.utils import timezone

    services.reschedule_review(
        approved_use_case, actor=board_member, reason="x", next_review_date=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        services.record_periodic_review(approved_use_case, actor=department_head, note="ok")
    services.record_periodic_review(approved_use_case, actor=board_member, note="unverändert")
    assert reload(approved_use_case).next_review_date > timezone.localdate()
