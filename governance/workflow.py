"""The review workflow as data: its states, its transitions and who must sign off when.

Like the rule engine's RULES (governance/risk/engine.py), everything here is read, never
restated: the services check a transition's allowed-from states and send its mail and webhook
events, the admin and the API offer the steps a state allows, the workspace and the selectors
ask which reviewer roles a use case needs. The sign-off rules are data from which both the
Python predicate (`required_sign_off_roles`) and the database filter (`required_when`) derive.
tests/governance/test_workflow_table.py walks every row.
"""

import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from registry.models import UseCase, WebhookEndpoint

State = UseCase.WorkflowState
WebhookEvent = WebhookEndpoint.Event

# -- states ---------------------------------------------------------------------------------------

# The model's choices (UseCase.WorkflowState) are the states; these are their groups.
EDITABLE_STATES = (State.DRAFT, State.CHANGES_REQUESTED)
REVIEW_STATES = (State.SUBMITTED, State.IN_REVIEW)
# A suspended use case stays live: its review is due and a substantive change opens a new round.
LIVE_STATES = (State.APPROVED, State.IN_OPERATION, State.SUSPENDED)
CLOSED_STATES = (State.REJECTED, State.RETIRED)


# The operating statuses a change may set, by workflow state: "in operation" and "retired" are
# reached through their steps (put_into_operation checks the duties before first use; retire
# ends it); once in operation, only a pilot may become regular operation.
Status = UseCase.Status
_PLANNING = frozenset({Status.IDEA, Status.PLANNED, Status.PILOT})
EDITABLE_STATUSES: dict[str, frozenset[str]] = {
    **dict.fromkeys(State.values, _PLANNING),
    State.IN_OPERATION: frozenset({Status.PILOT, Status.IN_OPERATION}),
    State.RETIRED: frozenset(),
    State.SUSPENDED: frozenset(),
}
# Workflow states in which the start date is the one the step "put into operation" recorded.
START_DATE_FIXED_STATES = (State.IN_OPERATION, State.RETIRED, State.SUSPENDED)


class MailEvent(enum.StrEnum):
    """The workflow's mails; each has the templates emails/<value>.txt and .html."""

    SUBMITTED = "submitted"
    RESUBMITTED = "resubmitted"
    OBJECTION = "objection"
    READY_FOR_DECISION = "ready_for_decision"
    DECIDED = "decided"
    IN_OPERATION = "in_operation"
    RETIRED = "retired"
    REVIEW_DUE = "review_due"
    REVIEW_OVERDUE = "review_overdue"


class Actor(enum.StrEnum):
    """Who may take a transition (governance.permissions holds the predicate of each)."""

    OWNER = "owner"  # the head of the use case's department, or the board
    REVIEWER = "reviewer"  # who holds a required reviewer role in the organisation
    BOARD = "board"  # the board of the use case's organisation
    EDITOR = "editor"  # whoever may change the use case (the change itself triggers it)


# -- transitions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One step of the workflow: from which states, to which, by which service, announced how."""

    name: str
    sources: tuple[str, ...]
    # Several targets when the outcome decides (a decision); empty when the state stays.
    targets: tuple[str, ...]
    service: str  # the function of governance.services that takes the step
    label: Promise
    taken_by: Actor
    # The message of the ValidationError when the use case's state does not allow the step
    # (None for a step the change services take on their own, which never refuses).
    refused: Promise | None
    mail_events: tuple[MailEvent, ...] = ()
    webhook_events: tuple[WebhookEvent, ...] = ()

    def allowed_from(self, state: str) -> bool:
        return state in self.sources


_ALL_BUT_RETIRED = tuple(state for state in State.values if state != State.RETIRED)
_NOT_IN_REVIEW = _("Der Anwendungsfall ist nicht in Prüfung.")

TRANSITIONS: dict[str, Transition] = {
    transition.name: transition
    for transition in (
        Transition(
            name="submit",
            sources=EDITABLE_STATES,
            targets=(State.SUBMITTED,),
            service="submit_use_case",
            label=_("Zur Prüfung einreichen"),
            taken_by=Actor.OWNER,
            refused=_("Nur Entwürfe und zurückgegebene Anwendungsfälle können eingereicht werden."),
            mail_events=(MailEvent.SUBMITTED,),
            webhook_events=(WebhookEvent.USE_CASE_SUBMITTED,),
        ),
        # A substantive change (or a changed questionnaire) of an approved use case, or of one
        # whose review has sign-offs, opens a new round; the change services decide, never refuse.
        Transition(
            name="resubmit",
            sources=(*REVIEW_STATES, *LIVE_STATES),
            targets=(State.SUBMITTED,),
            service="change_use_case",
            label=_("Wesentliche Änderung: erneut in die Prüfung"),
            taken_by=Actor.EDITOR,
            refused=None,
            mail_events=(MailEvent.RESUBMITTED,),
            webhook_events=(WebhookEvent.USE_CASE_SUBMITTED,),
        ),
        Transition(
            name="sign_off",
            sources=REVIEW_STATES,
            targets=(State.IN_REVIEW,),
            service="sign_off_use_case",
            label=_("Votum abgeben"),
            taken_by=Actor.REVIEWER,
            refused=_NOT_IN_REVIEW,
            mail_events=(MailEvent.OBJECTION, MailEvent.READY_FOR_DECISION),
        ),
        Transition(
            name="decide",
            sources=REVIEW_STATES,
            # Approval of a change to a system in operation keeps it in operation.
            targets=(State.APPROVED, State.CHANGES_REQUESTED, State.REJECTED, State.IN_OPERATION),
            service="decide_use_case",
            label=_("Entscheiden"),
            taken_by=Actor.BOARD,
            refused=_NOT_IN_REVIEW,
            mail_events=(MailEvent.DECIDED,),
            # use_case.published only when approved.
            webhook_events=(WebhookEvent.USE_CASE_DECIDED, WebhookEvent.USE_CASE_PUBLISHED),
        ),
        Transition(
            name="put_into_operation",
            sources=(State.APPROVED,),
            targets=(State.IN_OPERATION,),
            service="put_into_operation",
            label=_("In Betrieb nehmen"),
            taken_by=Actor.OWNER,
            refused=_("Nur freigegebene Anwendungsfälle gehen in Betrieb."),
            mail_events=(MailEvent.IN_OPERATION,),
            webhook_events=(WebhookEvent.USE_CASE_PUBLISHED,),
        ),
        Transition(
            name="record_periodic_review",
            sources=LIVE_STATES,
            targets=(),
            service="record_periodic_review",
            label=_("Überprüfung bestätigen"),
            taken_by=Actor.BOARD,
            refused=_("Nur freigegebene oder betriebene Anwendungsfälle werden überprüft."),
        ),
        Transition(
            name="reschedule_review",
            sources=LIVE_STATES,
            targets=(),
            service="reschedule_review",
            label=_("Überprüfung terminieren"),
            taken_by=Actor.BOARD,
            refused=_("Nur freigegebene oder betriebene Anwendungsfälle werden überprüft."),
        ),
        # Art. 26(5) KI-VO: a deployer who has reason to consider that the use presents a risk,
        # or who identified a serious incident, suspends the use; the review falls due at once.
        Transition(
            name="suspend",
            sources=(State.IN_OPERATION,),
            targets=(State.SUSPENDED,),
            service="suspend_use_case",
            label=_("Einsatz aussetzen"),
            taken_by=Actor.OWNER,
            refused=_("Nur ein Anwendungsfall im Betrieb kann ausgesetzt werden."),
            webhook_events=(WebhookEvent.USE_CASE_SUSPENDED,),
        ),
        Transition(
            name="resume",
            sources=(State.SUSPENDED,),
            targets=(State.IN_OPERATION,),
            service="resume_use_case",
            label=_("Einsatz fortsetzen"),
            taken_by=Actor.BOARD,
            refused=_("Nur ein ausgesetzter Anwendungsfall kann fortgesetzt werden."),
            webhook_events=(WebhookEvent.USE_CASE_RESUMED,),
        ),
        Transition(
            name="retire",
            sources=_ALL_BUT_RETIRED,
            targets=(State.RETIRED,),
            service="retire_use_case",
            label=_("Außer Betrieb nehmen"),
            taken_by=Actor.OWNER,
            refused=_("Der Anwendungsfall ist bereits außer Betrieb."),
            mail_events=(MailEvent.RETIRED,),
            webhook_events=(WebhookEvent.USE_CASE_RETIRED,),
        ),
    )
}

# -- sign-off rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignOffRule:
    """A reviewer role and the use case field (and value) that requires its sign-off."""

    role: str
    field: str | None = None  # None: the role always signs off
    value: Any = True
    # The field groups (registry.field_groups slugs) the role reads first: its sign-off page
    # shows them before the rest of the record, which stays one click away.
    focus: tuple[str, ...] = ()

    def applies_to(self, use_case: UseCase) -> bool:
        return self.field is None or getattr(use_case, self.field) == self.value

    def required_when(self) -> Q:
        """The same condition as a filter on use cases (Q() when it always applies)."""
        return Q() if self.field is None else Q(**{self.field: self.value})


SIGN_OFF_RULES: tuple[SignOffRule, ...] = (
    SignOffRule(
        Membership.Role.DATA_PROTECTION_OFFICER,
        "processes_personal_data",
        focus=("daten", "rechtsgrundlage", "folgenabschaetzungen"),
    ),
    SignOffRule(
        Membership.Role.INFORMATION_SECURITY_OFFICER,
        focus=("system", "folgenabschaetzungen", "aufsicht"),
    ),
    SignOffRule(
        Membership.Role.STAFF_COUNCIL, "monitors_staff", focus=("mitbestimmung", "aufsicht")
    ),
)
SIGN_OFF_FOCUS: dict[str, tuple[str, ...]] = {rule.role: rule.focus for rule in SIGN_OFF_RULES}
# The roles that sign off, in the order their sign-offs are listed; the one source of them.
REVIEWER_ROLES: tuple[str, ...] = tuple(rule.role for rule in SIGN_OFF_RULES)
REVIEWER_ROLE_CHOICES: list[tuple[str, Any]] = [
    (role, Membership.Role(role).label) for role in REVIEWER_ROLES
]


def reviewer_label(role: str) -> str:
    """The German name of a reviewer role."""
    return str(Membership.Role(role).label)


def required_sign_off_roles(use_case: UseCase) -> tuple[str, ...]:
    """The reviewer roles whose sign-off the use case needs, by the sign-off rules."""
    return tuple(rule.role for rule in SIGN_OFF_RULES if rule.applies_to(use_case))
