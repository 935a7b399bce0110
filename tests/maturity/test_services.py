"""Writes of the maturity app: validated in German naming the field, with history rows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maturity import services
from maturity.models import AnswererNomination, MaturityMeasure, ReadinessAssessment
from maturity.questionnaires import ASKED_CRITERIA
from tests.conftest import make_use_case
from tests.maturity.conftest import answers

pytestmark = pytest.mark.django_db


def test_an_assessment_records_levels_as_the_weakest_answer_with_actor_and_reason(
    organisation, board_member
):
    record = services.record_readiness_assessment(
        organisation, answers=answers(3, e_file=1), actor=board_member, reason="Klausur"
    )
    assert record.level_digital_foundations == 1  # the E-Akte answer holds the dimension back
    assert record.level_process_clarity == 3
    row = record.history.get()
    assert row.history_user == board_member
    assert row.history_change_reason == "Klausur"


def test_a_missing_answer_is_refused_naming_the_question_and_nothing_is_saved(
    organisation, board_member
):
    incomplete = answers()
    del incomplete["register_access"]
    with pytest.raises(ValidationError) as error:
        services.record_readiness_assessment(organisation, answers=incomplete, actor=board_member)
    message = error.value.message_dict["register_access"][0]
    assert "Once-Only" in message and "Stufe von 0 bis 4" in message
    assert not ReadinessAssessment.objects.exists()


def test_an_answer_outside_the_scale_is_refused(organisation, board_member):
    with pytest.raises(ValidationError) as error:
        services.record_readiness_assessment(
            organisation, answers=answers(capacity=5), actor=board_member
        )
    assert "capacity" in error.value.message_dict


def test_governance_basics_are_computed_from_the_register_not_asked(
    organisation, board_member, department_head, department, dpo
):
    make_use_case(department_head, department, "Ohne Aufsicht")
    record = services.record_readiness_assessment(
        organisation, answers=answers(4), actor=board_member
    )
    met = record.governance_basics["met"]
    assert met["board"] and met["dpo"]
    assert not met["iso"] and not met["ai_literacy"] and not met["oversight"]
    assert record.governance_basics["counts"]["oversight"] == 0
    # 3 of 8 met (board, DPO, owner); the use case has neither oversight nor a review date.
    assert not met["review_date"]
    assert record.level_governance_basics == 1


def test_a_future_assessment_date_is_refused(organisation, board_member):
    with pytest.raises(ValidationError) as error:
        services.record_readiness_assessment(
            organisation,
            answers=answers(),
            actor=board_member,
            assessed_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert "Bewertet am" in error.value.message_dict["assessed_at"][0]


def test_a_service_level_is_its_lowest_required_criterion(organisation, board_member, use_case):
    use_case_service = use_case.public_services.create(leika_key="99107002000000", name="Wohngeld")
    criteria = {
        "service_description": 3,
        "application_process": 3,
        "user_account": None,
        "authentication": None,
        "payment": None,
        "evidence": 2,
        "evidence_retrieval": None,
        "notification_channel": 4,
        "status_information": 3,
        "electronic_file": 5,
        "payment_accounting": None,
    }
    record = services.record_service_assessment(
        organisation,
        leika_key=use_case_service.leika_key,
        answers=criteria,
        use_case_support={str(use_case.pk): ["evidence"]},
        actor=board_member,
    )
    assert record.level == 2
    assert record.use_case_support == {str(use_case.pk): ["evidence"]}
    assert record.history.get().history_user == board_member


def test_a_service_no_use_case_helps_with_can_be_assessed(organisation, board_member):
    # The form sends no support when no use case is ticked; the model's "not blank" refused it.
    record = services.record_service_assessment(
        organisation,
        leika_key="99107002000000",
        answers={c.key: 3 for c in ASKED_CRITERIA},
        use_case_support={},
        actor=board_member,
    )
    assert record.level == 3
    assert record.use_case_support == {}


def test_a_required_criterion_cannot_be_left_out(organisation, board_member):
    with pytest.raises(ValidationError) as error:
        services.record_service_assessment(
            organisation,
            leika_key="99107002000000",
            answers={},
            use_case_support={},
            actor=board_member,
        )
    assert "Leistungsbeschreibung" in error.value.message_dict["service_description"][0]


def test_a_use_case_of_another_service_cannot_be_credited(
    organisation, board_member, use_case, foreign_use_case
):
    use_case.public_services.create(leika_key="99107002000000")
    with pytest.raises(ValidationError) as error:
        services.record_service_assessment(
            organisation,
            leika_key="99107002000000",
            answers=dict.fromkeys(
                [
                    "service_description",
                    "application_process",
                    "notification_channel",
                    "status_information",
                    "electronic_file",
                ],
                1,
            ),
            use_case_support={str(foreign_use_case.pk): ["evidence"]},
            actor=board_member,
        )
    assert "use_case_support" in error.value.message_dict


def test_a_measure_is_planned_and_changed_with_history_and_version(organisation, board_member):
    measure = services.create_measure(
        organisation,
        actor=board_member,
        reason="Lücke Datenverfügbarkeit",
        dimension="data_availability",
        title="Melderegister anbinden",
        owner_role="Leitung Sozialamt",
        due_date=datetime.date(2027, 6, 30),
    )
    version = services.measure_version(measure)
    services.update_measure(
        measure,
        actor=board_member,
        reason="begonnen",
        expected_version=version,
        status=MaturityMeasure.Status.IN_PROGRESS,
    )
    reasons = list(
        measure.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["Lücke Datenverfügbarkeit", "begonnen"]
    with pytest.raises(ValidationError) as error:
        services.update_measure(
            measure, actor=board_member, reason="später", expected_version=version, title="x"
        )
    assert "inzwischen" in error.value.messages[0]


def test_a_measure_without_owner_is_refused_naming_the_field(organisation, board_member):
    with pytest.raises(ValidationError) as error:
        services.create_measure(
            organisation,
            actor=board_member,
            reason="Plan",
            dimension="process_clarity",
            title="Prozesse modellieren",
            owner_role="",
            due_date=datetime.date(2027, 1, 1),
        )
    assert "owner_role" in error.value.message_dict
    assert not MaturityMeasure.objects.exists()


def test_only_people_of_the_organisation_can_be_named(
    organisation, board_member, department_head, foreign_department_head
):
    with pytest.raises(ValidationError) as error:
        services.nominate_answerer(
            organisation,
            user=foreign_department_head,
            scope="readiness",
            actor=board_member,
            reason="kennt sich aus",
        )
    assert "Rolle" in error.value.message_dict["user"][0]
    nomination = services.nominate_answerer(
        organisation, user=department_head, scope="readiness", actor=board_member, reason="Amt"
    )
    services.revoke_nomination(nomination, actor=board_member, reason="Aufgabe erledigt")
    nomination.refresh_from_db()
    assert not nomination.is_active
    assert [r.history_change_reason for r in nomination.history.order_by("history_id")] == [
        "Amt",
        "Aufgabe erledigt",
    ]
    assert AnswererNomination.objects.count() == 1


def test_each_write_refuses_a_person_the_board_did_not_name(
    organisation, board_member, department_head
):
    """The services check who acts, not only the pages and the API in front of them."""
    with pytest.raises(PermissionDenied):
        services.record_readiness_assessment(
            organisation, answers=answers(), actor=department_head, reason="selbst"
        )
    with pytest.raises(PermissionDenied):
        services.record_service_assessment(
            organisation,
            leika_key="99001001000000",
            answers={},
            use_case_support={},
            actor=department_head,
        )
    with pytest.raises(PermissionDenied):
        services.create_measure(
            organisation, actor=department_head, reason="selbst", dimension="digital_foundations"
        )
    with pytest.raises(PermissionDenied):
        services.nominate_answerer(
            organisation, user=department_head, scope="readiness", actor=department_head, reason="x"
        )
    assert not ReadinessAssessment.objects.exists()
    assert not MaturityMeasure.objects.exists()
    assert not AnswererNomination.objects.exists()


def test_a_named_person_answers_their_questionnaire_only(
    organisation, board_member, department_head
):
    nomination = services.nominate_answerer(
        organisation, user=department_head, scope="readiness", actor=board_member, reason="Amt"
    )
    record = services.record_readiness_assessment(
        organisation, answers=answers(), actor=department_head, reason="benannt"
    )
    assert record.assessed_by == department_head
    with pytest.raises(PermissionDenied):
        services.revoke_nomination(nomination, actor=department_head, reason="selbst")
    with pytest.raises(PermissionDenied):
        services.record_service_assessment(
            organisation,
            leika_key="99001001000000",
            answers={},
            use_case_support={},
            actor=department_head,
        )
    services.revoke_nomination(nomination, actor=board_member, reason="erledigt")
    with pytest.raises(PermissionDenied):
        services.record_readiness_assessment(
            organisation, answers=answers(), actor=department_head, reason="nicht mehr"
        )
