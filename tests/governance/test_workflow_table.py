"""The workflow table (governance/workflow.py) holds together: every row is read and true."""

import datetime
import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.template.loader import get_template

from accounts.models import Membership
from governance import emails, selectors, services, workflow
from governance.admin import TRANSITIONS as ADMIN_STEPS
from governance.api.serializers import SignOffRequestSerializer
from governance.models import SignOff
from registry import history
from registry.models import UseCase, WebhookEndpoint
from tests.conftest import make_use_case

STATES = set(UseCase.WorkflowState.values)

# How each persona takes each transition by hand in a test: the persona and the arguments.
TAKEN_BY_HAND: dict[str, tuple[str, dict[str, Any]]] = {
    "submit": ("department_head", {"note": ""}),
    "sign_off": ("iso", {"role": "iso", "verdict": "agree"}),
    "decide": ("board_member", {"outcome": "approved", "rationale": "ok"}),
    "put_into_operation": ("department_head", {"reason": "Start"}),
    "record_periodic_review": ("board_member", {"note": "unverändert"}),
    "reschedule_review": (
        "board_member",
        {"reason": "vorgezogen", "next_review_date": datetime.date(2030, 1, 1)},
    ),
    "retire": ("department_head", {"reason": "Ende"}),
    "suspend": ("department_head", {"reason": "Schwerwiegender Vorfall"}),
    "resume": ("board_member", {"reason": "Ursache behoben"}),
}


def _in_state(use_case: UseCase, state: str, actor: Any) -> UseCase:
    # A test shortcut: the services would need a whole review round to reach some states.
    use_case.workflow_state = state
    history.save_tracked(use_case, actor=actor, reason="Test")
    return use_case


@pytest.mark.parametrize("transition", workflow.TRANSITIONS.values(), ids=str)
def test_every_transition_names_existing_states_a_service_and_its_events(transition):
    assert transition.sources and set(transition.sources) <= STATES
    assert set(transition.targets) <= STATES
    assert callable(services.service_of(transition))
    assert isinstance(transition.taken_by, workflow.Actor)
    assert all(isinstance(event, workflow.MailEvent) for event in transition.mail_events)
    assert all(isinstance(event, WebhookEndpoint.Event) for event in transition.webhook_events)


def test_every_transition_taken_by_hand_has_a_test_persona_and_a_refusal():
    by_hand = {name for name, row in workflow.TRANSITIONS.items() if row.refused is not None}
    assert by_hand == set(TAKEN_BY_HAND)


@pytest.mark.parametrize(
    ("name", "state"),
    [
        (name, state)
        for name, row in workflow.TRANSITIONS.items()
        if row.refused is not None
        for state in sorted(STATES - set(row.sources))
    ],
)
def test_a_service_refuses_the_states_its_row_does_not_allow(
    request, department_head, department, name, state
):
    transition = workflow.TRANSITIONS[name]
    persona, arguments = TAKEN_BY_HAND[name]
    use_case = _in_state(make_use_case(department_head, department, "Test"), state, department_head)
    with pytest.raises(ValidationError) as exc:
        services.service_of(transition)(
            use_case, actor=request.getfixturevalue(persona), **arguments
        )
    assert exc.value.message_dict["workflow_state"] == [str(transition.refused)]
    assert UseCase.objects.get(pk=use_case.pk).workflow_state == state


@pytest.mark.parametrize("event", list(workflow.MailEvent), ids=str)
def test_every_mail_event_has_its_templates_and_subject(event):
    get_template(f"emails/{event}.txt")
    get_template(f"emails/{event}.html")
    assert event in emails.SUBJECTS


def test_every_mail_event_is_sent_by_a_transition_or_the_reminders():
    sent = {event for row in workflow.TRANSITIONS.values() for event in row.mail_events}
    reminders = {workflow.MailEvent.REVIEW_DUE, workflow.MailEvent.REVIEW_OVERDUE}
    assert sent | reminders == set(workflow.MailEvent)


def test_the_admin_steps_are_rows_of_the_table():
    for step in ADMIN_STEPS.values():
        assert step.transition in workflow.TRANSITIONS.values()
        assert step.states == step.transition.sources


# -- reviewer roles and sign-off rules ------------------------------------------------------------


def test_the_reviewer_roles_are_roles_of_a_membership_and_the_sign_off_choices():
    assert set(workflow.REVIEWER_ROLES) <= set(Membership.Role.values)
    assert len(set(workflow.REVIEWER_ROLES)) == len(workflow.REVIEWER_ROLES)
    field_choices = SignOff._meta.get_field("role").choices
    assert [value for value, _label in field_choices] == list(workflow.REVIEWER_ROLES)
    assert list(SignOffRequestSerializer().fields["role"].choices) == list(workflow.REVIEWER_ROLES)
    assert set(selectors.ROLE_REQUIRED_WHEN) == set(workflow.REVIEWER_ROLES)


CONDITION_FIELDS = sorted({rule.field for rule in workflow.SIGN_OFF_RULES if rule.field})


def test_the_sign_off_conditions_are_yes_no_fields_of_a_use_case():
    # The combinations below enumerate True and False; another kind of field needs more values.
    for name in CONDITION_FIELDS:
        assert isinstance(UseCase._meta.get_field(name), models.BooleanField)


@pytest.mark.django_db
def test_the_filter_and_the_predicate_agree_on_every_combination(department_head, department):
    for values in itertools.product([False, True], repeat=len(CONDITION_FIELDS)):
        fields = dict(zip(CONDITION_FIELDS, values, strict=True))
        use_case = make_use_case(department_head, department, f"Kombination {values}", **fields)
        required = set(workflow.required_sign_off_roles(use_case))
        for rule in workflow.SIGN_OFF_RULES:
            matches = UseCase.objects.filter(pk=use_case.pk).filter(rule.required_when()).exists()
            assert matches == (rule.role in required), (rule.role, fields)


@pytest.mark.django_db
def test_missing_sign_offs_follow_the_rules(department_head, department):
    use_case = make_use_case(
        department_head, department, "Alles", processes_personal_data=True, monitors_staff=True
    )
    assert services.missing_sign_offs(use_case, None) == list(workflow.REVIEWER_ROLES)
