"""Every governance write: classification, obligations, and each step of the review workflow.

Each transition takes the acting user, checks who may take it, records who, when and why in the
use case's history (registry.history.save_tracked), and sends its mails after the commit.
"""

import calendar
import dataclasses
import datetime
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from governance import permissions, tasks, versions
from governance.models import Decision, ObligationItem, RiskClassification, SignOff, Submission
from governance.risk import FactsError, classify, parse_facts, to_json
from governance.selectors import current_submission
from governance.workflow import (
    EDITABLE_STATUSES,
    LIVE_STATES,
    REVIEW_STATES,
    REVIEWER_ROLES,
    START_DATE_FIXED_STATES,
    TRANSITIONS,
    MailEvent,
    Transition,
    WebhookEvent,
    required_sign_off_roles,
    reviewer_label,
)
from registry import history
from registry import permissions as registry_permissions
from registry import services as registry_services
from registry.field_groups import DERIVED_FIELDS
from registry.models import PublishedUseCase, UseCase
from registry.publication import publish_use_case
from registry.webhooks.events import emit_event

State = UseCase.WorkflowState

# Changes to these fields leave an approved use case approved: contact details, planned dates
# and the suitability estimate do not change what the board approved. (The operating status and
# start date are guarded by _check_operating_fields; the review schedule is the steps' own.)
EDITORIAL_FIELDS = frozenset(
    {
        "technical_contact",
        "public_contact_email",
        "status",
        "start_date",
        "end_date",
        "yearly_case_volume",
        "rule_clarity",
        "input_structure",
    }
)
# Why a derived field cannot be typed: the step or questionnaire that sets it.
SET_BY_STEPS = {
    "workflow_state": _lazy("Der Prüfstand ändert sich nur durch die Prüfschritte."),
    "risk_class": _lazy("Die Risikoklasse folgt aus dem Risikofragebogen."),
    "next_review_date": _lazy(
        "Den Überprüfungstermin setzen die Freigabe, die regelmäßige Überprüfung oder das "
        "KI-Gremium mit „Überprüfung terminieren“."
    ),
    "review_interval_months": _lazy(
        "Das Überprüfungsintervall legt das KI-Gremium mit „Überprüfung terminieren“ fest."
    ),
}

# Fields whose change adds or drops an obligation of the use case.
OBLIGATION_FIELDS = frozenset({"processes_personal_data", "monitors_staff"})
# Obligations that must be done before a high-risk system is first used (Art. 27(1), Art. 49(3)).
BEFORE_FIRST_USE = (
    ObligationItem.Obligation.ART_27_FRIA,
    ObligationItem.Obligation.ART_49_REGISTRATION,
)


class ConcurrentChange(Exception):
    """The save started from an older version than the current one; nothing was saved."""

    def __init__(self, changes: list[versions.Change]) -> None:
        super().__init__("the use case changed after it was loaded")
        self.changes = changes


def _check_version(use_case: UseCase, expected_version: str | None) -> None:
    """Refuse a save based on another version than the current one (call with the row locked)."""
    if expected_version is None:
        return
    if expected_version != versions.use_case_version(use_case.pk):
        raise ConcurrentChange(versions.changes_since(use_case.pk, expected_version))


def _notify(event: MailEvent, use_case: UseCase, *, actor: User, occasion: str) -> None:
    """Send the mails of a transition once the transaction has committed."""
    transaction.on_commit(
        partial(
            tasks.notify_transition.delay,
            event,
            use_case_id=use_case.pk,
            actor_id=actor.pk,
            occasion=occasion,
        )
    )


def _emit(event: WebhookEvent, use_case: UseCase, *, actor: User | None) -> None:
    """Record the change event for other systems; webhooks sends it once the transaction commits."""
    emit_event(event, use_case, actor=actor)


def _announce(transition: Transition, use_case: UseCase, *, actor: User, occasion: str) -> None:
    """Send the transition's mails and webhook events, as its row in the workflow table lists."""
    for mail_event in transition.mail_events:
        _notify(mail_event, use_case, actor=actor, occasion=occasion)
    for webhook_event in transition.webhook_events:
        _emit(webhook_event, use_case, actor=actor)


def _allowed(name: str, use_case: UseCase) -> Transition:
    """The workflow's transition, if the use case's state allows it (else its refusal)."""
    transition = TRANSITIONS[name]
    if not transition.allowed_from(use_case.workflow_state):
        raise ValidationError({"workflow_state": str(transition.refused)})
    return transition


def _require(value: str, field: str, message: str) -> str:
    if not value or not value.strip():
        raise ValidationError({field: message})
    return value.strip()


def _locked(actor: User, use_case: UseCase) -> UseCase:
    """The use case if the actor may see it (else 404), locked against concurrent transitions."""
    visible = registry_permissions.access_use_case(actor, use_case.pk)
    return (
        UseCase.objects.select_for_update()
        .select_related("organisation", "department")
        .get(pk=visible.pk)
    )


def _save_state(use_case: UseCase, *, actor: User, reason: str, state: str, **fields: Any) -> None:
    use_case.workflow_state = state
    for name, value in fields.items():
        setattr(use_case, name, value)
    use_case.full_clean()
    history.save_tracked(use_case, actor=actor, reason=reason)


def add_months(date: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return date.replace(
        year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1])
    )


def review_interval_months(use_case: UseCase) -> int:
    """The use case's own interval, else its organisation's default for its risk class."""
    if use_case.review_interval_months:
        return use_case.review_interval_months
    organisation = use_case.organisation
    if use_case.risk_class == UseCase.RiskClass.HIGH_RISK:
        return organisation.review_interval_high_risk_months
    return organisation.review_interval_default_months


def _stored_facts(facts: Any) -> dict[str, Any]:
    """The parsed facts as JSON, every question present, sets as sorted lists."""
    return {
        name: sorted(value) if isinstance(value, frozenset) else value
        for name, value in dataclasses.asdict(facts).items()
    }


def _initial_status(use_case: UseCase, obligation: str) -> tuple[str, str, str]:
    """Status, reason and evidence of a new obligation item, from what the record already says."""
    done, not_applicable = ObligationItem.Status.DONE, ObligationItem.Status.NOT_APPLICABLE
    if obligation == ObligationItem.Obligation.DPIA:
        if use_case.dpia_status == UseCase.AssessmentStatus.DONE:
            return done, "", use_case.dpia_reference if "://" in use_case.dpia_reference else ""
        if use_case.dpia_status == UseCase.AssessmentStatus.NOT_NEEDED:
            return not_applicable, use_case.dpia_not_needed_reason, ""
    if (
        obligation == ObligationItem.Obligation.ART_27_FRIA
        and use_case.fria_status == UseCase.AssessmentStatus.DONE
    ):
        return done, "", use_case.fria_reference if "://" in use_case.fria_reference else ""
    if (
        obligation == ObligationItem.Obligation.STAFF_COUNCIL
        and use_case.staff_council_status == UseCase.StaffCouncilStatus.AGREED
    ):
        return done, use_case.service_agreement, ""
    return ObligationItem.Status.OPEN, "", ""


def _sync_obligations(use_case: UseCase, *, actor: User, reason: str) -> None:
    """Make the use case's obligation items match its classification and its data."""
    classification = RiskClassification.objects.filter(use_case=use_case).first()
    wanted = set(classification.obligations if classification else [])
    if use_case.processes_personal_data:
        wanted.add(ObligationItem.Obligation.DPIA)
    if use_case.monitors_staff:
        wanted.add(ObligationItem.Obligation.STAFF_COUNCIL)
    existing = {item.obligation: item for item in ObligationItem.objects.filter(use_case=use_case)}
    now = timezone.now()
    for obligation in sorted(wanted | set(existing)):
        item = existing.get(obligation)
        applies = obligation in wanted
        if item is None:
            status, item_reason, evidence = _initial_status(use_case, obligation)
            item = ObligationItem(
                use_case=use_case,
                obligation=obligation,
                status=status,
                reason=item_reason,
                evidence_url=evidence,
                updated_by=actor,
                updated_at=now,
            )
        elif item.applies == applies:
            continue
        item.applies = applies
        item.full_clean()
        history.save_tracked(item, actor=actor, reason=reason)


def _back_to_review(
    use_case: UseCase, *, actor: User, reason: str, previous_state: str
) -> Submission:
    """Open a new review round because of a substantive change, and say so on the record."""
    submission = Submission(
        use_case=use_case,
        kind=Submission.Kind.CHANGED,
        submitted_by=actor,
        submitted_at=timezone.now(),
        note=reason,
        previous_state=previous_state,
    )
    submission.full_clean()
    submission.save()
    _save_state(
        use_case,
        actor=actor,
        state=State.SUBMITTED,
        reason=_(
            "Wesentliche Änderung (%(reason)s): Der Anwendungsfall geht erneut in die Prüfung."
        )
        % {"reason": reason},
    )
    _announce(
        TRANSITIONS["resubmit"], use_case, actor=actor, occasion=f"submission:{submission.pk}"
    )
    return submission


def _needs_new_round(use_case: UseCase) -> bool:
    """Approved use cases go back to review; in review, sign-offs already given are void."""
    if use_case.workflow_state in LIVE_STATES:
        return True
    if use_case.workflow_state in REVIEW_STATES:
        submission = current_submission(use_case)
        return submission is not None and submission.sign_offs.exists()
    return False


@transaction.atomic
def classify_use_case(
    use_case: UseCase, *, actor: User, facts: Mapping[str, object]
) -> RiskClassification:
    """Store the questionnaire answers with their classification and the use case's risk class."""
    visible = registry_permissions.access_use_case(
        actor, use_case.pk, perm=registry_permissions.CHANGE
    )
    use_case = UseCase.objects.select_for_update().select_related("organisation").get(pk=visible.pk)
    try:
        parsed = parse_facts(facts)
    except FactsError as exc:
        raise ValidationError(dict(exc.errors)) from exc
    result = to_json(classify(parsed))
    stored_facts = _stored_facts(parsed)
    record = RiskClassification.objects.filter(use_case=use_case).first()
    if (
        record is not None
        and record.facts == stored_facts
        and record.rule_set_version == result["rule_set_version"]
    ):
        return record
    first = record is None
    if record is None:
        record = RiskClassification(use_case=use_case)
    record.facts = stored_facts
    record.risk_class = str(result["risk_class"])
    record.obligations = result["obligations"]
    record.reasons = result["reasons"]
    record.rule_set_version = str(result["rule_set_version"])
    record.classified_by = actor
    record.classified_at = timezone.now()
    record.full_clean(exclude=["use_case"])
    reason = _("Risikofragebogen beantwortet") if first else _("Risikofragebogen geändert")
    history.save_tracked(record, actor=actor, reason=reason)
    if use_case.risk_class != record.risk_class:
        use_case.risk_class = record.risk_class
        use_case.full_clean()
        history.save_tracked(
            use_case,
            actor=actor,
            reason=_("Risikoklasse nach dem Fragebogen: %(risk_class)s")
            % {"risk_class": use_case.get_risk_class_display()},
        )
    _sync_obligations(use_case, actor=actor, reason=reason)
    if _needs_new_round(use_case):
        _back_to_review(
            use_case, actor=actor, reason=reason, previous_state=use_case.workflow_state
        )
    return record


@transaction.atomic
def change_use_case(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    children: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    expected_version: str | None = None,
    **fields: Any,
) -> set[str]:
    """Change a use case; a substantive change to an approved one sends it back to review.

    With `expected_version` (governance.versions), a use case changed since that version is
    not changed: ConcurrentChange names what others changed.
    """
    derived = sorted(DERIVED_FIELDS & set(fields))
    if derived:
        raise ValidationError({name: str(SET_BY_STEPS[name]) for name in derived})
    caller_instance = use_case
    before = _locked(actor, use_case)
    _check_version(before, expected_version)
    _check_operating_fields(before, fields)
    changed = registry_services.apply_use_case_fields(
        before, actor=actor, reason=reason, children=children, **fields
    )
    use_case = UseCase.objects.select_related("organisation").get(pk=before.pk)
    if changed & OBLIGATION_FIELDS:
        _sync_obligations(use_case, actor=actor, reason=reason)
    substantive = changed - EDITORIAL_FIELDS
    if substantive and _needs_new_round(use_case):
        _back_to_review(
            use_case, actor=actor, reason=reason, previous_state=use_case.workflow_state
        )
    elif changed and use_case.workflow_state in LIVE_STATES:
        # Editorial changes of an approved use case need no review, so the public sees them now.
        publish_use_case(use_case, actor=actor, reason=reason)
    caller_instance.refresh_from_db()
    return changed


def _check_operating_fields(use_case: UseCase, fields: Mapping[str, Any]) -> None:
    """Refuse an operating status or start date that only a workflow step may set."""
    status = fields.get("status")
    if status is not None and status != use_case.status:
        allowed = EDITABLE_STATUSES[use_case.workflow_state]
        if status not in allowed:
            raise ValidationError(
                {
                    "status": _(
                        "Diesen Betriebsstatus setzen die Schritte „In Betrieb nehmen“ und "
                        "„Außer Betrieb nehmen“; hier möglich: %(allowed)s."
                    )
                    % {
                        "allowed": ", ".join(
                            str(UseCase.Status(value).label) for value in sorted(allowed)
                        )
                        or "–"
                    }
                }
            )
    if (
        "start_date" in fields
        and fields["start_date"] != use_case.start_date
        and use_case.workflow_state in START_DATE_FIXED_STATES
    ):
        raise ValidationError(
            {
                "start_date": _(
                    "Der Beginn ist mit der Inbetriebnahme festgehalten und ändert sich nicht mehr."
                )
            }
        )


def has_governance_record(use_case: UseCase) -> bool:
    """Whether the use case was classified, submitted, signed off or decided on."""
    return any(
        model.objects.filter(use_case=use_case).exists()
        for model in (RiskClassification, Submission, SignOff, Decision)
    )


@transaction.atomic
def delete_use_case(use_case: UseCase, *, actor: User, reason: str) -> None:
    """Delete a use case without a governance record; one with a record is retired instead."""
    use_case = registry_permissions.access_use_case(
        actor, use_case.pk, perm=registry_permissions.DELETE
    )
    if has_governance_record(use_case):
        raise ValidationError(
            {
                "workflow_state": _(
                    "Ein Anwendungsfall mit Risikoeinstufung, Einreichung, Votum oder "
                    "Entscheidung wird nicht gelöscht; nehmen Sie ihn stattdessen außer Betrieb."
                )
            }
        )
    # Deleted one by one so each obligation's history keeps who deleted it and why.
    for item in ObligationItem.objects.filter(use_case=use_case):
        history.delete_tracked(item, actor=actor, reason=reason)
    registry_services.delete_use_case(use_case, actor=actor, reason=reason)


@transaction.atomic
def submit_use_case(use_case: UseCase, *, actor: User, note: str = "") -> Submission:
    """Hand a draft (or a use case sent back for changes) in for review."""
    use_case = _locked(actor, use_case)
    if not permissions.can_submit(actor, use_case):
        raise PermissionDenied(
            _("Einreichen dürfen nur die Fachbereichsleitung und das KI-Gremium.")
        )
    transition = _allowed("submit", use_case)
    if not RiskClassification.objects.filter(use_case=use_case).exists():
        raise ValidationError(
            {
                "risk_classification": _(
                    "Bitte beantworten Sie vor dem Einreichen den Risikofragebogen."
                )
            }
        )
    submission = Submission(
        use_case=use_case,
        kind=Submission.Kind.SUBMITTED,
        submitted_by=actor,
        submitted_at=timezone.now(),
        note=note.strip(),
        previous_state=use_case.workflow_state,
    )
    submission.full_clean()
    submission.save()
    reason = _("Zur Prüfung eingereicht")
    (target,) = transition.targets
    _save_state(
        use_case,
        actor=actor,
        state=target,
        reason=f"{reason}: {submission.note}" if submission.note else reason,
    )
    _announce(transition, use_case, actor=actor, occasion=f"submission:{submission.pk}")
    return submission


def missing_sign_offs(use_case: UseCase, submission: Submission | None) -> list[str]:
    """The reviewer roles whose sign-off the current round still lacks."""
    given = set(submission.sign_offs.values_list("role", flat=True)) if submission else set()
    return [role for role in required_sign_off_roles(use_case) if role not in given]


@transaction.atomic
def sign_off_use_case(
    use_case: UseCase, *, actor: User, role: str, verdict: str, reason: str = ""
) -> SignOff:
    """A required reviewer agrees, or objects with a reason, in the current review round."""
    use_case = _locked(actor, use_case)
    if role not in REVIEWER_ROLES:
        raise ValidationError({"role": _("Diese Rolle gibt kein Votum ab.")})
    if verdict not in SignOff.Verdict.values:
        raise ValidationError(
            {"verdict": _("Bitte stimmen Sie zu oder erheben Sie einen Einwand.")}
        )
    if not permissions.can_sign_off(actor, use_case, role):
        raise PermissionDenied(_("Sie haben diese Rolle in dieser Organisation nicht."))
    if role not in required_sign_off_roles(use_case):
        raise PermissionDenied(
            _("Für diesen Anwendungsfall ist kein Votum dieser Rolle vorgesehen.")
        )
    _allowed("sign_off", use_case)
    submission = current_submission(use_case)
    if submission is None or submission.sign_offs.filter(role=role).exists():
        raise ValidationError({"role": _("Für diese Rolle liegt bereits ein Votum vor.")})
    # Separation of duties: who holds a reviewer role besides the role that submitted does not
    # review their own submission, as the board does not decide on it.
    if submission.submitted_by_id == actor.pk:
        raise PermissionDenied(
            _("Zu einem selbst eingereichten Anwendungsfall dürfen Sie kein Votum abgeben.")
        )
    if verdict == SignOff.Verdict.OBJECT:
        _require(reason, "reason", _("Bitte begründen Sie den Einwand."))
    sign_off = SignOff(
        submission=submission,
        use_case=use_case,
        role=role,
        verdict=verdict,
        reason=reason.strip(),
        signed_by=actor,
        signed_at=timezone.now(),
    )
    sign_off.full_clean()
    sign_off.save()
    if use_case.workflow_state == State.SUBMITTED:
        _save_state(use_case, actor=actor, state=State.IN_REVIEW, reason=_("Prüfung begonnen"))
    occasion = f"signoff:{sign_off.pk}"
    if verdict == SignOff.Verdict.OBJECT:
        _notify(MailEvent.OBJECTION, use_case, actor=actor, occasion=occasion)
    if not missing_sign_offs(use_case, submission):
        _notify(MailEvent.READY_FOR_DECISION, use_case, actor=actor, occasion=occasion)
    return sign_off


@transaction.atomic
def decide_use_case(use_case: UseCase, *, actor: User, outcome: str, rationale: str) -> Decision:
    """The board approves, asks for changes or rejects, with a rationale, once sign-offs are in."""
    use_case = _locked(actor, use_case)
    if not permissions.can_decide(actor, use_case):
        raise PermissionDenied(_("Entscheiden darf nur das KI-Gremium der Organisation."))
    if outcome not in Decision.Outcome.values:
        raise ValidationError({"outcome": _("Bitte wählen Sie eine Entscheidung.")})
    rationale = _require(rationale, "rationale", _("Bitte begründen Sie die Entscheidung."))
    _allowed("decide", use_case)
    submission = current_submission(use_case)
    assert submission is not None  # every review state starts with a submission
    if submission.submitted_by_id == actor.pk:
        raise PermissionDenied(
            _("Über einen selbst eingereichten Anwendungsfall dürfen Sie nicht entscheiden.")
        )
    missing = missing_sign_offs(use_case, submission)
    if missing:
        labels = ", ".join(reviewer_label(role) for role in missing)
        raise ValidationError(
            {"sign_offs": _("Es fehlen noch Voten: %(roles)s.") % {"roles": labels}}
        )
    approved = outcome == Decision.Outcome.APPROVED
    if approved and use_case.risk_class == UseCase.RiskClass.PROHIBITED:
        raise ValidationError(
            {"outcome": _("Ein System mit verbotener Praxis kann nicht freigegeben werden.")}
        )
    decision = Decision(
        submission=submission,
        use_case=use_case,
        outcome=outcome,
        rationale=rationale,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    decision.full_clean()
    decision.save()
    state = {
        Decision.Outcome.APPROVED: State.APPROVED,
        Decision.Outcome.CHANGES_REQUESTED: State.CHANGES_REQUESTED,
        Decision.Outcome.REJECTED: State.REJECTED,
    }[Decision.Outcome(outcome)]
    fields: dict[str, Any] = {}
    if approved:
        # A change to a system in operation, once approved, keeps it in operation.
        if submission.previous_state == State.IN_OPERATION:
            state = State.IN_OPERATION
        fields["next_review_date"] = add_months(
            timezone.localdate(), review_interval_months(use_case)
        )
    reason = f"{decision.get_outcome_display()}: {rationale}"
    _save_state(use_case, actor=actor, state=state, reason=reason, **fields)
    if approved:
        publish_use_case(use_case, actor=actor, reason=reason)
    _notify(MailEvent.DECIDED, use_case, actor=actor, occasion=f"decision:{decision.pk}")
    _emit(WebhookEvent.USE_CASE_DECIDED, use_case, actor=actor)
    if approved:
        _emit(WebhookEvent.USE_CASE_PUBLISHED, use_case, actor=actor)
    return decision


def _check_operator(actor: User, use_case: UseCase) -> None:
    if not permissions.can_operate(actor, use_case):
        raise PermissionDenied(_("Das dürfen nur die Fachbereichsleitung und das KI-Gremium."))


@transaction.atomic
def put_into_operation(use_case: UseCase, *, actor: User, reason: str) -> None:
    """Start operating an approved use case; FRIA and registration must be done before first use."""
    use_case = _locked(actor, use_case)
    _check_operator(actor, use_case)
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    transition = _allowed("put_into_operation", use_case)
    blocking = ObligationItem.objects.filter(
        use_case=use_case,
        applies=True,
        status=ObligationItem.Status.OPEN,
        obligation__in=BEFORE_FIRST_USE,
    )
    if blocking.exists():
        labels = ", ".join(str(item.get_obligation_display()) for item in blocking)
        raise ValidationError(
            {
                "obligations": _("Vor der ersten Verwendung zu erledigen: %(items)s.")
                % {"items": labels}
            }
        )
    today = timezone.localdate()
    fields: dict[str, Any] = {}
    # A pilot runs in operation on trial; it keeps its status until someone changes it.
    if use_case.status != UseCase.Status.PILOT:
        fields["status"] = UseCase.Status.IN_OPERATION
    if use_case.start_date is None:
        fields["start_date"] = today
    (target,) = transition.targets
    _save_state(use_case, actor=actor, state=target, reason=reason, **fields)
    publish_use_case(use_case, actor=actor, reason=reason)
    _announce(transition, use_case, actor=actor, occasion=f"operation:{use_case.pk}:{today}")


@transaction.atomic
def retire_use_case(use_case: UseCase, *, actor: User, reason: str) -> None:
    """Take a use case out of service (or withdraw it); the public record shows it retired."""
    use_case = _locked(actor, use_case)
    _check_operator(actor, use_case)
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    transition = _allowed("retire", use_case)
    today = timezone.localdate()
    fields: dict[str, Any] = {"status": UseCase.Status.RETIRED, "next_review_date": None}
    if use_case.end_date is None and (use_case.start_date is None or use_case.start_date <= today):
        fields["end_date"] = today
    (target,) = transition.targets
    _save_state(use_case, actor=actor, state=target, reason=reason, **fields)
    # Only a record that was public shows its retirement; a withdrawn draft never becomes public.
    if PublishedUseCase.objects.filter(use_case=use_case).exists():
        publish_use_case(use_case, actor=actor, reason=reason)
    _announce(transition, use_case, actor=actor, occasion=f"retired:{use_case.pk}:{today}")


@transaction.atomic
def record_periodic_review(use_case: UseCase, *, actor: User, note: str) -> None:
    """The board confirms a periodic review without substantive change; the next one is set."""
    use_case = _locked(actor, use_case)
    if not permissions.is_board(actor, use_case):
        raise PermissionDenied(_("Überprüfungen bestätigt das KI-Gremium."))
    note = _require(note, "note", _("Bitte halten Sie das Ergebnis der Überprüfung fest."))
    _allowed("record_periodic_review", use_case)
    next_review = add_months(timezone.localdate(), review_interval_months(use_case))
    use_case.next_review_date = next_review
    use_case.full_clean()
    history.save_tracked(
        use_case, actor=actor, reason=_("Regelmäßige Überprüfung: %(note)s") % {"note": note}
    )
    publish_use_case(use_case, actor=actor, reason=_("Regelmäßige Überprüfung"))


@transaction.atomic
def reschedule_review(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    next_review_date: datetime.date,
    review_interval_months: int | None = None,
) -> None:
    """The board sets the next review date (and the interval) of an approved use case."""
    use_case = _locked(actor, use_case)
    if not permissions.is_board(actor, use_case):
        raise PermissionDenied(_("Überprüfungen terminiert das KI-Gremium."))
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    _allowed("reschedule_review", use_case)
    use_case.next_review_date = next_review_date
    if review_interval_months is not None:
        use_case.review_interval_months = review_interval_months
    try:
        use_case.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    label = _("Überprüfung terminiert: %(reason)s") % {"reason": reason}
    history.save_tracked(use_case, actor=actor, reason=label)
    publish_use_case(use_case, actor=actor, reason=label)


@transaction.atomic
def update_obligation(
    item: ObligationItem, *, actor: User, status: str, reason: str = "", evidence_url: str = ""
) -> ObligationItem:
    """Mark an obligation open, done (with evidence) or not applicable (with a reason)."""
    use_case = _locked(actor, item.use_case)
    if not permissions.can_update_obligation(actor, use_case):
        raise PermissionDenied(_("Pflichten pflegen die Fachbereichsleitung und das KI-Gremium."))
    item = ObligationItem.objects.select_for_update().get(pk=item.pk, use_case=use_case)
    if status not in ObligationItem.Status.values:
        raise ValidationError({"status": _("Diesen Stand gibt es nicht.")})
    if status == ObligationItem.Status.NOT_APPLICABLE:
        _require(reason, "reason", _("Bitte begründen Sie, warum die Pflicht nicht zutrifft."))
    item.status = status
    item.reason = reason.strip()
    item.evidence_url = evidence_url.strip()
    item.updated_by = actor
    item.updated_at = timezone.now()
    item.full_clean()
    history.save_tracked(
        item,
        actor=actor,
        reason=reason.strip() or _("Pflicht: %(status)s") % {"status": item.get_status_display()},
    )
    return item


# The key under which save_guided_step reports the errors of a new AI system ("new_ai_system-name").
NEW_AI_SYSTEM = "new_ai_system"


@transaction.atomic
def save_guided_step(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    fields: Mapping[str, Any],
    children: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    new_ai_system: Mapping[str, str] | None = None,
    facts: Mapping[str, object] | None = None,
    expected_version: str | None = None,
) -> bool:
    """Save one step of the guided form in one transaction; True when anything changed.

    A new AI system is recorded first and chosen for the use case; then the fields and child
    rows change through change_use_case, and answered risk questions through classify_use_case.
    """
    _check_version(_locked(actor, use_case), expected_version)
    fields = dict(fields)
    if new_ai_system is not None:
        try:
            fields["ai_system"] = registry_services.create_ai_system(
                actor=actor, organisation=use_case.organisation, reason=reason, **new_ai_system
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"{NEW_AI_SYSTEM}-{key}": value for key, value in exc.message_dict.items()}
            ) from exc
    changed = False
    if fields or children:
        changed = bool(
            change_use_case(
                use_case, actor=actor, reason=reason, children=children or None, **fields
            )
        )
    if facts is not None:
        record = RiskClassification.objects.filter(use_case=use_case).first()
        before = dict(record.facts) if record is not None else {}
        record = classify_use_case(use_case, actor=actor, facts=facts)
        changed = changed or record.facts != before
    return changed


def service_of(transition: Transition) -> Callable[..., Any]:
    """The service function that takes a step of the workflow table."""
    service = globals()[transition.service]
    assert callable(service)
    return service  # type: ignore[no-any-return]
