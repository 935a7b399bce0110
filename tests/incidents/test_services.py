"""Incidents: validation, history, reports, visibility and the suspend step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from governance import services as governance_services
from incidents import permissions, selectors, services
from incidents.models import Incident
from registry import history
from registry.models import UseCase
from tests.incidents.conftest import make_incident

pytestmark = pytest.mark.django_db


def test_recording_an_incident_keeps_who_and_why_in_the_history(use_case, department_head):
    incident = make_incident(use_case, department_head, reason="Meldung der Sachbearbeitung")
    entry = incident.history.get()
    assert entry.history_user == department_head
    assert entry.history_change_reason == "Meldung der Sachbearbeitung"


def test_a_death_must_be_recorded_as_a_serious_incident(use_case, department_head):
    with pytest.raises(ValidationError) as exc:
        make_incident(use_case, department_head, effect="minor", death=True)
    assert "effect" in exc.value.message_dict
    assert not Incident.objects.exists()


def test_awareness_in_the_future_is_refused_naming_the_field(use_case, department_head):
    with pytest.raises(ValidationError) as exc:
        make_incident(
            use_case, department_head, aware_at=timezone.now() + datetime.timedelta(days=1)
        )
    assert list(exc.value.message_dict) == ["aware_at"]


def test_closing_needs_the_time_it_was_resolved(serious_incident, department_head):
    with pytest.raises(ValidationError) as exc:
        services.change_incident(
            serious_incident, actor=department_head, reason="fertig", fields={"status": "closed"}
        )
    assert "resolved_at" in exc.value.message_dict


def test_a_change_from_an_older_version_is_refused(serious_incident, department_head):
    old = services.version_of(serious_incident)
    services.change_incident(
        serious_incident, actor=department_head, reason="Ursache", fields={"root_cause": "Update"}
    )
    with pytest.raises(services.ConcurrentChange):
        services.change_incident(
            serious_incident,
            actor=department_head,
            reason="Ursache",
            fields={"root_cause": "anders"},
            expected_version=old,
        )
    assert Incident.objects.get().root_cause == "Update"


def test_reporting_every_running_clock_marks_the_incident_reported(
    serious_incident, department_head
):
    now = timezone.now()
    services.record_report(
        serious_incident, actor=department_head, clock="provider", reported_at=now
    )
    assert Incident.objects.get().status == "open"
    services.record_report(
        serious_incident,
        actor=department_head,
        clock="authority_15_days",
        reported_at=now,
        reference="MÜB-2026-17",
    )
    assert Incident.objects.get().status == "reported"


def test_a_report_for_a_clock_that_does_not_run_is_refused(serious_incident, department_head):
    with pytest.raises(ValidationError) as exc:
        services.record_report(
            serious_incident, actor=department_head, clock="gdpr_breach", reported_at=timezone.now()
        )
    assert "clock" in exc.value.message_dict


def test_deadlines_show_what_applies_and_overdue_reports_reach_the_board(
    use_case, department_head, organisation
):
    aware = timezone.now() - datetime.timedelta(hours=80)
    incident = make_incident(use_case, department_head, personal_data_involved=True, aware_at=aware)
    (deadline,) = selectors.deadlines_of(incident, "Europe/Berlin")
    assert deadline.clock.key == "gdpr_breach"
    assert deadline.overdue(timezone.now())
    overdue = selectors.overdue_reports(organisation)
    assert [(item.incident, item.deadline.clock.key) for item in overdue] == [
        (incident, "gdpr_breach")
    ]
    services.record_report(
        incident, actor=department_head, clock="gdpr_breach", reported_at=timezone.now()
    )
    assert selectors.overdue_reports(organisation) == []


def test_the_organisations_time_zone_moves_the_deadline(
    use_case, department_head, board_member, organisation
):
    aware = datetime.datetime(2026, 10, 20, 23, 30, tzinfo=datetime.UTC)
    incident = make_incident(
        use_case,
        department_head,
        effect="serious",
        widespread_or_critical_infrastructure=True,
        aware_at=aware,
    )
    services.update_response_settings(
        organisation,
        actor=board_member,
        reason="Sitz in New York",
        fields={"time_zone": "America/New_York"},
    )
    tz = selectors.response_settings_of(organisation.pk).time_zone
    due = {d.clock.key: d.due_at for d in selectors.deadlines_of(incident, tz)}
    assert due["authority_widespread"] == datetime.datetime(
        2026, 10, 22, 23, 30, tzinfo=datetime.UTC
    )


def test_an_unknown_time_zone_is_refused_naming_the_field(organisation, board_member):
    with pytest.raises(ValidationError) as exc:
        services.update_response_settings(
            organisation, actor=board_member, reason="x", fields={"time_zone": "Mars/Olympus"}
        )
    assert "time_zone" in exc.value.message_dict


def test_only_the_board_sets_the_deadlines(organisation, department_head):
    with pytest.raises(PermissionDenied):
        services.update_response_settings(
            organisation, actor=department_head, reason="x", fields={"objection_response_days": 5}
        )


# -- who sees and who keeps -----------------------------------------------------------------------


def test_the_department_and_the_board_see_their_incidents(
    serious_incident, department_head, board_member, auditor
):
    for person in (department_head, board_member, auditor):
        assert list(permissions.incidents_visible_to(person)) == [serious_incident]


@pytest.mark.parametrize(
    "persona", ["other_department_head", "iso", "staff_council", "foreign_board_member", "outsider"]
)
def test_others_do_not_see_an_incident(request, serious_incident, persona):
    person = request.getfixturevalue(persona)
    assert not permissions.incidents_visible_to(person).exists()
    with pytest.raises(Http404):
        permissions.access_incident(person, serious_incident.pk)


def test_the_dpo_sees_only_incidents_with_personal_data(serious_incident, data_incident, dpo):
    assert list(permissions.incidents_visible_to(dpo)) == [data_incident]


def test_the_dpo_reads_but_does_not_change(data_incident, dpo):
    with pytest.raises(PermissionDenied):
        services.change_incident(data_incident, actor=dpo, reason="x", fields={"root_cause": "y"})


def test_a_foreign_department_head_cannot_record_an_incident(use_case, foreign_department_head):
    with pytest.raises(Http404):
        make_incident(use_case, foreign_department_head)


def test_another_department_head_cannot_record_an_incident(use_case, other_department_head):
    with pytest.raises(PermissionDenied):
        make_incident(use_case, other_department_head)
    assert not Incident.objects.exists()


def test_only_the_board_publishes_the_public_note(serious_incident, department_head, board_member):
    with pytest.raises(PermissionDenied):
        services.publish_incident_note(
            serious_incident, actor=department_head, note="Störung", published=True, reason="x"
        )
    services.publish_incident_note(
        serious_incident,
        actor=board_member,
        note="Vorschläge waren falsch; behoben.",
        published=True,
        reason="Gremiumsbeschluss",
    )
    assert list(selectors.published_notes(serious_incident.use_case_id)) == [serious_incident]


def test_follow_up_actions_have_an_owner_and_a_due_date(serious_incident, department_head):
    with pytest.raises(ValidationError) as exc:
        services.add_follow_up_action(
            serious_incident,
            actor=department_head,
            description="Schulung",
            owner=" ",
            due_date=datetime.date(2027, 1, 15),
        )
    assert "owner" in exc.value.message_dict
    action = services.add_follow_up_action(
        serious_incident,
        actor=department_head,
        description="Schulung",
        owner="Amtsleitung",
        due_date=datetime.date(2027, 1, 15),
    )
    services.complete_follow_up_action(action, actor=department_head, done_at=timezone.localdate())
    assert action.history.count() == 2


# -- the suspend step ------------------------------------------------------------------------------


def _in_operation(use_case, actor):
    use_case.workflow_state = UseCase.WorkflowState.IN_OPERATION
    use_case.next_review_date = datetime.date(2030, 1, 1)
    history.save_tracked(use_case, actor=actor, reason="Test")  # a shortcut past the review round
    return use_case


def test_suspending_brings_the_review_forward_and_the_board_resumes(
    use_case, department_head, board_member
):
    _in_operation(use_case, department_head)
    governance_services.suspend_use_case(use_case, actor=department_head, reason="Störung W-1")
    use_case.refresh_from_db()
    assert use_case.workflow_state == "suspended"
    assert use_case.next_review_date == timezone.localdate()
    assert use_case.history.first().history_change_reason == "Einsatz ausgesetzt: Störung W-1"
    with pytest.raises(PermissionDenied):
        governance_services.resume_use_case(use_case, actor=department_head, reason="behoben")
    governance_services.resume_use_case(use_case, actor=board_member, reason="behoben")
    use_case.refresh_from_db()
    assert use_case.workflow_state == "in_operation"


def test_suspending_needs_a_reason(use_case, department_head):
    _in_operation(use_case, department_head)
    with pytest.raises(ValidationError) as exc:
        governance_services.suspend_use_case(use_case, actor=department_head, reason=" ")
    assert "reason" in exc.value.message_dict
