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
from django.db.models import ForeignObject, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Organisation, User
from accounts.roles import is_board_member
from evidence.selectors import targets_with_documents
from governance import assessments, permissions, tasks, versions
from governance.models import (
    UNDETERMINED,
    AiLiteracyMeasure,
    Decision,
    ObligationItem,
    RiskClassification,
    SignOff,
    Submission,
    use_case_risk_class,
)
from governance.obligation_sync import sync_obligations
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
    "workflow_state": _lazy("Der Bearbeitungsstand ändert sich nur durch die Prüfschritte."),
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
    """The save started from an older version than the current one; nothing was saved.

    `version` is the current one, read under the row lock together with `changes`: the form
    shown again with the changes carries it, so a later change is caught by the next save.
    """

    def __init__(self, changes: list[versions.Change], version: str = "") -> None:
        super().__init__("the use case changed after it was loaded")
        self.changes = changes
        self.version = version


def _check_version(use_case: UseCase, expected_version: str | None) -> None:
    """Refuse a save based on another version than the current one (call with the row locked)."""
    if expected_version is None:
        return
    current = versions.use_case_version(use_case.pk)
    if expected_version != current:
        raise ConcurrentChange(versions.changes_since(use_case.pk, expected_version), current)


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


def _locked(
    actor: User, use_case: UseCase, *, checked: registry_permissions.Checked | None = None
) -> UseCase:
    """The use case if the actor may see it (else 404), locked against concurrent transitions.

    With the request's `checked` access for this actor and use case it is not checked again.
    Only the use case's row is locked (`of`): its organisation and department are read with it
    for the services and the publication, not locked, so writers of one organisation do not
    queue on its row.
    """
    if checked is None or not checked.covers(actor, use_case.pk):
        use_case = registry_permissions.access_use_case(actor, use_case.pk)
    return (
        UseCase.objects.select_for_update(of=("self",))
        .select_related("organisation", "department", "ai_system")
        .get(pk=use_case.pk)
    )


def _copy_state(source: UseCase, target: UseCase) -> None:
    """Leave the caller's instance as the change left the row, without reading it again (what
    refresh_from_db does: the fields' values, a relation read again only where it changed)."""
    if source is target:
        return
    for field in UseCase._meta.concrete_fields:
        value = getattr(source, field.attname)
        if (
            isinstance(field, ForeignObject)
            and getattr(target, field.attname) != value
            and field.is_cached(target)
        ):
            field.delete_cached_value(target)
        setattr(target, field.attname, value)
    target.__dict__.pop("_prefetched_objects_cache", None)


def _save_state(use_case: UseCase, *, actor: User, reason: str, state: str, **fields: Any) -> None:
    use_case.workflow_state = state
    for name, value in fields.items():
        setattr(use_case, name, value)
    history.full_clean_changed(use_case, {"workflow_state", *fields})
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


def _stored_value(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _stored_facts(facts: Any) -> dict[str, Any]:
    """The parsed facts as JSON, every question present, sets as sorted lists, dates as ISO."""
    return {name: _stored_value(value) for name, value in dataclasses.asdict(facts).items()}


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
    use_case: UseCase,
    *,
    actor: User,
    facts: Mapping[str, object],
    checked: registry_permissions.Checked | None = None,
) -> RiskClassification:
    """Store the questionnaire answers with their classification and the use case's risk class."""
    checked = _change_checked(actor, use_case, checked)
    return _classify_locked(_locked(actor, use_case, checked=checked), actor=actor, facts=facts)


def _change_checked(
    actor: User, use_case: UseCase, checked: registry_permissions.Checked | None
) -> registry_permissions.Checked:
    """The request's check of the change permission, or a check made now (404, 403)."""
    if checked is not None and checked.covers(actor, use_case.pk, registry_permissions.CHANGE):
        return checked
    _, checked = registry_permissions.check_use_case(
        actor, use_case.pk, perm=registry_permissions.CHANGE
    )
    return checked


def _classify_locked(
    use_case: UseCase, *, actor: User, facts: Mapping[str, object]
) -> RiskClassification:
    """classify_use_case on the row the caller locked after checking the change permission."""
    try:
        # The legal form is the organisation's, not an answer of the questionnaire.
        parsed = parse_facts({**facts, "deployer_legal_form": use_case.organisation.legal_form})
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
    record.timeline = result["timeline"]
    record.rule_set_version = str(result["rule_set_version"])
    record.classified_by = actor
    record.classified_at = timezone.now()
    record.full_clean(exclude=["use_case"])
    reason = _("Risikofragebogen beantwortet") if first else _("Risikofragebogen geändert")
    history.save_tracked(record, actor=actor, reason=reason)
    if use_case.risk_class != use_case_risk_class(record.risk_class):
        use_case.risk_class = use_case_risk_class(record.risk_class)
        history.full_clean_changed(use_case, {"risk_class"})
        history.save_tracked(
            use_case,
            actor=actor,
            reason=_("Risikoklasse nach dem Fragebogen: %(risk_class)s")
            % {"risk_class": use_case.get_risk_class_display()},
        )
    sync_obligations(use_case, actor=actor, reason=reason)
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
    checked: registry_permissions.Checked | None = None,
    **fields: Any,
) -> set[str]:
    """Change a use case; a substantive change to an approved one sends it back to review.

    With `expected_version` (governance.versions), a use case changed since that version is
    not changed: ConcurrentChange names what others changed. `checked` is the request's check
    of the change permission (registry.permissions.check_use_case); without it the permission
    is checked here. The caller's instance is left as the change left the row.
    """
    _refuse_derived(fields)
    checked = _change_checked(actor, use_case, checked)
    locked = _locked(actor, use_case, checked=checked)
    _check_version(locked, expected_version)
    changed = _change_locked(
        locked, actor=actor, reason=reason, children=children, checked=checked, fields=fields
    )
    _copy_state(locked, use_case)
    return changed


def _refuse_derived(fields: Mapping[str, Any]) -> None:
    derived = sorted(DERIVED_FIELDS & set(fields))
    if derived:
        raise ValidationError({name: str(SET_BY_STEPS[name]) for name in derived})


def _change_locked(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    children: Mapping[str, Iterable[Mapping[str, Any]]] | None,
    checked: registry_permissions.Checked,
    fields: Mapping[str, Any],
) -> set[str]:
    """change_use_case on the row the caller locked (and checked the change permission of):
    the fields and child rows, the obligations they imply, then review or publication."""
    _check_operating_fields(use_case, fields)
    changed = registry_services.apply_use_case_fields(
        use_case, actor=actor, reason=reason, children=children, checked=checked, **fields
    )
    if changed & (OBLIGATION_FIELDS | assessments.EVIDENCE_FIELDS):
        sync_obligations(use_case, actor=actor, reason=reason)
    substantive = changed - EDITORIAL_FIELDS - assessments.EVIDENCE_FIELDS
    if substantive and _needs_new_round(use_case):
        _back_to_review(
            use_case, actor=actor, reason=reason, previous_state=use_case.workflow_state
        )
    elif changed and use_case.workflow_state in LIVE_STATES:
        # Editorial changes of an approved use case need no review, so the public sees them now.
        publish_use_case(use_case, actor=actor, reason=reason, current=True)
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
    try:
        with transaction.atomic():
            # Deleted one by one so each obligation's history keeps who deleted it and why.
            for item in ObligationItem.objects.filter(use_case=use_case):
                history.delete_tracked(item, actor=actor, reason=reason)
            registry_services.delete_use_case(use_case, actor=actor, reason=reason)
    except ProtectedError as error:
        # Documents, incidents and objections keep their use case: nothing of them is lost.
        kinds = sorted({str(row._meta.verbose_name_plural) for row in error.protected_objects})
        raise ValidationError(
            {
                "workflow_state": _(
                    "Ein Anwendungsfall mit %(records)s wird nicht gelöscht; nehmen Sie ihn "
                    "stattdessen außer Betrieb."
                )
                % {"records": ", ".join(kinds)}
            }
        ) from error


@transaction.atomic
def submit_use_case(
    use_case: UseCase,
    *,
    actor: User,
    note: str = "",
    checked: registry_permissions.Checked | None = None,
) -> Submission:
    """Hand a draft (or a use case sent back for changes) in for review."""
    use_case = _locked(actor, use_case, checked=checked)
    if not permissions.can_submit(actor, use_case):
        raise PermissionDenied(
            _("Einreichen dürfen nur die Fachbereichsleitung und das KI-Gremium.")
        )
    transition = _allowed("submit", use_case)
    classification = RiskClassification.objects.filter(use_case=use_case).first()
    if classification is None:
        raise ValidationError(
            {
                "risk_classification": _(
                    "Bitte beantworten Sie vor dem Einreichen den Risikofragebogen."
                )
            }
        )
    # An open classification is no verdict a review could confirm (governance.risk.tree).
    if classification.risk_class == UNDETERMINED:
        raise ValidationError(
            {
                "risk_classification": _(
                    "Die Risikoeinstufung ist noch offen: Beantworten Sie den Fragebogen zu Ende "
                    "und klären Sie die mit „weiß nicht“ beantworteten Fragen."
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
    use_case: UseCase,
    *,
    actor: User,
    role: str,
    verdict: str,
    reason: str = "",
    checked: registry_permissions.Checked | None = None,
) -> SignOff:
    """A required reviewer agrees, or objects with a reason, in the current review round."""
    use_case = _locked(actor, use_case, checked=checked)
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
def decide_use_case(
    use_case: UseCase,
    *,
    actor: User,
    outcome: str,
    rationale: str,
    checked: registry_permissions.Checked | None = None,
) -> Decision:
    """The board approves, asks for changes or rejects, with a rationale, once sign-offs are in."""
    use_case = _locked(actor, use_case, checked=checked)
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
        publish_use_case(use_case, actor=actor, reason=reason, current=True)
    _notify(MailEvent.DECIDED, use_case, actor=actor, occasion=f"decision:{decision.pk}")
    _emit(WebhookEvent.USE_CASE_DECIDED, use_case, actor=actor)
    if approved:
        _emit(WebhookEvent.USE_CASE_PUBLISHED, use_case, actor=actor)
    return decision


def _check_operator(actor: User, use_case: UseCase) -> None:
    if not permissions.can_operate(actor, use_case):
        raise PermissionDenied(_("Das dürfen nur die Fachbereichsleitung und das KI-Gremium."))


@transaction.atomic
def put_into_operation(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    checked: registry_permissions.Checked | None = None,
) -> None:
    """Start operating an approved use case; FRIA and registration must be done before first use."""
    use_case = _locked(actor, use_case, checked=checked)
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
    publish_use_case(use_case, actor=actor, reason=reason, current=True)
    _announce(transition, use_case, actor=actor, occasion=f"operation:{use_case.pk}:{today}")


@transaction.atomic
def retire_use_case(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    checked: registry_permissions.Checked | None = None,
) -> None:
    """Take a use case out of service (or withdraw it); the public record shows it retired."""
    use_case = _locked(actor, use_case, checked=checked)
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
        publish_use_case(use_case, actor=actor, reason=reason, current=True)
    _announce(transition, use_case, actor=actor, occasion=f"retired:{use_case.pk}:{today}")


@transaction.atomic
def suspend_use_case(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    checked: registry_permissions.Checked | None = None,
) -> None:
    """Suspend the use of a system in operation (Art. 26(5) KI-VO); its review falls due today."""
    use_case = _locked(actor, use_case, checked=checked)
    _check_operator(actor, use_case)
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    transition = _allowed("suspend", use_case)
    today = timezone.localdate()
    (target,) = transition.targets
    # The periodic review is brought forward: it is due now, not at the old date.
    review = today if use_case.next_review_date is None else min(use_case.next_review_date, today)
    label = _("Einsatz ausgesetzt: %(reason)s") % {"reason": reason}
    _save_state(use_case, actor=actor, state=target, reason=label, next_review_date=review)
    if PublishedUseCase.objects.filter(use_case=use_case).exists():
        publish_use_case(use_case, actor=actor, reason=label, current=True)
    _announce(transition, use_case, actor=actor, occasion=f"suspended:{use_case.pk}:{today}")


@transaction.atomic
def resume_use_case(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    checked: registry_permissions.Checked | None = None,
) -> None:
    """The board lets a suspended use case run again, with its reason."""
    use_case = _locked(actor, use_case, checked=checked)
    if not permissions.is_board(actor, use_case):
        raise PermissionDenied(_("Den Einsatz setzt das KI-Gremium fort."))
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    transition = _allowed("resume", use_case)
    (target,) = transition.targets
    label = _("Einsatz fortgesetzt: %(reason)s") % {"reason": reason}
    _save_state(use_case, actor=actor, state=target, reason=label)
    if PublishedUseCase.objects.filter(use_case=use_case).exists():
        publish_use_case(use_case, actor=actor, reason=label, current=True)
    _announce(transition, use_case, actor=actor, occasion=f"resumed:{use_case.pk}")


@transaction.atomic
def record_periodic_review(
    use_case: UseCase,
    *,
    actor: User,
    note: str,
    checked: registry_permissions.Checked | None = None,
) -> None:
    """The board confirms a periodic review without substantive change; the next one is set."""
    use_case = _locked(actor, use_case, checked=checked)
    if not permissions.is_board(actor, use_case):
        raise PermissionDenied(_("Überprüfungen bestätigt das KI-Gremium."))
    note = _require(note, "note", _("Bitte halten Sie das Ergebnis der Überprüfung fest."))
    _allowed("record_periodic_review", use_case)
    next_review = add_months(timezone.localdate(), review_interval_months(use_case))
    use_case.next_review_date = next_review
    history.full_clean_changed(use_case, {"next_review_date"})
    history.save_tracked(
        use_case, actor=actor, reason=_("Regelmäßige Überprüfung: %(note)s") % {"note": note}
    )
    publish_use_case(use_case, actor=actor, reason=_("Regelmäßige Überprüfung"), current=True)


@transaction.atomic
def reschedule_review(
    use_case: UseCase,
    *,
    actor: User,
    reason: str,
    next_review_date: datetime.date,
    review_interval_months: int | None = None,
    checked: registry_permissions.Checked | None = None,
) -> None:
    """The board sets the next review date (and the interval) of an approved use case."""
    use_case = _locked(actor, use_case, checked=checked)
    if not permissions.is_board(actor, use_case):
        raise PermissionDenied(_("Überprüfungen terminiert das KI-Gremium."))
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    _allowed("reschedule_review", use_case)
    use_case.next_review_date = next_review_date
    if review_interval_months is not None:
        use_case.review_interval_months = review_interval_months
    try:
        history.full_clean_changed(use_case, {"next_review_date", "review_interval_months"})
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    label = _("Überprüfung terminiert: %(reason)s") % {"reason": reason}
    history.save_tracked(use_case, actor=actor, reason=label)
    publish_use_case(use_case, actor=actor, reason=label, current=True)


@transaction.atomic
def update_obligation(
    item: ObligationItem,
    *,
    actor: User,
    status: str,
    reason: str = "",
    evidence_url: str = "",
    evidence_date: datetime.date | None = None,
) -> ObligationItem:
    """Mark an obligation open, done (with evidence: a document or a reference, and its date)
    or not applicable (with a reason).

    An assessment's obligation (governance.assessments) is recorded on the use case's own
    fields, from which the item is derived: the step of the form and the item never disagree.
    """
    use_case = _locked(actor, item.use_case)
    if not permissions.can_update_obligation(actor, use_case):
        raise PermissionDenied(_("Pflichten pflegen die Fachbereichsleitung und das KI-Gremium."))
    item = ObligationItem.objects.select_for_update().get(pk=item.pk, use_case=use_case)
    if status not in ObligationItem.Status.values:
        raise ValidationError({"status": _("Diesen Stand gibt es nicht.")})
    reason, evidence_url = reason.strip(), evidence_url.strip()
    if status == ObligationItem.Status.NOT_APPLICABLE:
        _require(reason, "reason", _("Bitte begründen Sie, warum die Pflicht nicht zutrifft."))
    has_document = bool(targets_with_documents("obligation", [item.pk]))
    assessment = assessments.ASSESSMENTS.get(item.obligation)
    if status == ObligationItem.Status.DONE:
        _check_evidence(item, assessment, use_case, evidence_url, evidence_date, has_document)
    label = reason or _("Pflicht: %(status)s") % {"status": item.get_status_display()}
    if assessment is not None:
        _record_assessment(
            use_case,
            item,
            assessment,
            actor=actor,
            status=status,
            reason=reason,
            label=label,
            evidence_url=evidence_url,
            evidence_date=evidence_date,
        )
        item.refresh_from_db()
        return item
    item.status = status
    item.reason = reason
    item.evidence_url = evidence_url
    item.evidence_date = evidence_date if status == ObligationItem.Status.DONE else None
    item.updated_by = actor
    item.updated_at = timezone.now()
    item.full_clean()
    history.save_tracked(item, actor=actor, reason=label)
    return item


def _check_evidence(
    item: ObligationItem,
    assessment: assessments.Assessment | None,
    use_case: UseCase,
    evidence_url: str,
    evidence_date: datetime.date | None,
    has_document: bool,
) -> None:
    """Done needs its evidence: a document or a reference, and the date of the evidence."""
    reference = getattr(use_case, assessment.reference_field) if assessment else ""
    errors: dict[str, str] = {}
    if not (evidence_url or has_document or reference):
        errors["evidence_url"] = _(
            "Bitte belegen Sie die Pflicht: ein Dokument hochladen oder einen Nachweis angeben."
        )
    if evidence_date is None:
        errors["evidence_date"] = _("Bitte geben Sie das Datum des Nachweises an.")
    elif evidence_date > timezone.localdate():
        errors["evidence_date"] = _("Das Datum des Nachweises darf nicht in der Zukunft liegen.")
    if errors:
        raise ValidationError(errors)


def _record_assessment(
    use_case: UseCase,
    item: ObligationItem,
    assessment: assessments.Assessment,
    *,
    actor: User,
    status: str,
    reason: str,
    label: str,
    evidence_url: str,
    evidence_date: datetime.date | None,
) -> None:
    """Write an assessment's obligation into the use case's fields; the item follows them."""
    fields: dict[str, Any] = {}
    if status == ObligationItem.Status.DONE:
        fields[assessment.status_field] = assessment.done
        fields[assessment.date_field] = evidence_date
        if evidence_url:
            fields[assessment.reference_field] = evidence_url
    elif status == ObligationItem.Status.NOT_APPLICABLE:
        if assessment.not_needed is None:
            raise ValidationError(
                {
                    "status": _(
                        "Diese Pflicht entfällt nur, wenn sich die Angaben des Anwendungsfalls "
                        "ändern, aus denen sie folgt."
                    )
                }
            )
        fields[assessment.status_field] = assessment.not_needed
        if assessment.not_needed_reason_field:
            fields[assessment.not_needed_reason_field] = reason
    else:
        fields[assessment.status_field] = assessment.open
    # The reason of a "not needed" without a field of its own, and the confirmation a board
    # member gives by recording the evidence, live on the item.
    item.reason = reason if status == ObligationItem.Status.NOT_APPLICABLE else ""
    item.status = status
    if status == ObligationItem.Status.DONE:
        item.evidence_date = evidence_date
        if assessment.board_confirms and permissions.is_board(actor, use_case):
            item.confirmed_by, item.confirmed_at = actor, timezone.now()
        elif assessment.board_confirms:
            item.status = ObligationItem.Status.OPEN
    item.updated_by, item.updated_at = actor, timezone.now()
    item.full_clean()
    history.save_tracked(item, actor=actor, reason=label)
    change_use_case(use_case, actor=actor, reason=label, **fields)
    assessments.sync_assessments(use_case, actor=actor, reason=label)


def stale_evidence(use_case: UseCase) -> list[assessments.StaleEvidence]:
    """Assessments done before the use case's last substantive change (shown to the board)."""
    return assessments.stale_evidence(use_case, editorial=EDITORIAL_FIELDS)


@transaction.atomic
def confirm_obligation(item: ObligationItem, *, actor: User, note: str) -> ObligationItem:
    """The board confirms an assessment's evidence where the law puts the duty on the deployer."""
    use_case = _locked(actor, item.use_case)
    if not permissions.is_board(actor, use_case):
        raise PermissionDenied(_("Diesen Nachweis bestätigt das KI-Gremium."))
    item = ObligationItem.objects.select_for_update().get(pk=item.pk, use_case=use_case)
    assessment = assessments.ASSESSMENTS.get(item.obligation)
    has_document = bool(targets_with_documents("obligation", [item.pk]))
    derived = (
        assessments.derive(assessment, use_case, has_document=has_document, confirmed=False)
        if assessment is not None
        else None
    )
    if derived is None or not derived.awaiting_confirmation:
        raise ValidationError(
            {"status": _("Diese Pflicht wartet nicht auf eine Bestätigung des KI-Gremiums.")}
        )
    note = _require(note, "note", _("Bitte halten Sie fest, was Sie geprüft haben."))
    label = _("Nachweis bestätigt: %(note)s") % {"note": note}
    item.confirmed_by, item.confirmed_at = actor, timezone.now()
    item.evidence_date = derived.evidence_date
    item.updated_by, item.updated_at = actor, timezone.now()
    item.full_clean()
    history.save_tracked(item, actor=actor, reason=label)
    assessments.sync_assessments(use_case, actor=actor, reason=label)
    item.refresh_from_db()
    return item


@transaction.atomic
def record_ai_literacy_measure(
    organisation: Organisation,
    *,
    actor: User,
    title: str,
    carried_out_on: datetime.date,
    evidence_reference: str,
) -> AiLiteracyMeasure:
    """The board records a measure for its staff's AI literacy (Art. 4), with its evidence."""
    if not is_board_member(actor, organisation.pk):
        raise PermissionDenied(_("Maßnahmen zur KI-Kompetenz erfasst das KI-Gremium."))
    measure = AiLiteracyMeasure(
        organisation=organisation,
        title=title.strip(),
        carried_out_on=carried_out_on,
        evidence_reference=evidence_reference.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    try:
        measure.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    history.save_tracked(
        measure, actor=actor, reason=_("Maßnahme zur KI-Kompetenz erfasst (Art. 4 KI-VO)")
    )
    return measure


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
    checked: registry_permissions.Checked | None = None,
) -> bool:
    """Save one step of the guided form in one transaction; True when anything changed.

    A new AI system is recorded first and chosen for the use case; then the fields and child
    rows change as change_use_case changes them, and answered risk questions as
    classify_use_case stores them: on the one row locked here, with one check of the change
    permission (the request's `checked`, else made here).
    """
    _refuse_derived(fields)
    checked = _change_checked(actor, use_case, checked)
    locked = _locked(actor, use_case, checked=checked)
    _check_version(locked, expected_version)
    fields = dict(fields)
    if new_ai_system is not None:
        try:
            fields["ai_system"] = registry_services.create_ai_system(
                actor=actor, organisation=locked.organisation, reason=reason, **new_ai_system
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"{NEW_AI_SYSTEM}-{key}": value for key, value in exc.message_dict.items()}
            ) from exc
    changed = False
    if fields or children:
        changed = bool(
            _change_locked(
                locked,
                actor=actor,
                reason=reason,
                children=children or None,
                checked=checked,
                fields=fields,
            )
        )
    if facts is not None:
        record = RiskClassification.objects.filter(use_case=locked).first()
        before = dict(record.facts) if record is not None else {}
        record = _classify_locked(locked, actor=actor, facts=facts)
        changed = changed or record.facts != before
    _copy_state(locked, use_case)
    return changed


def service_of(transition: Transition) -> Callable[..., Any]:
    """The service function that takes a step of the workflow table."""
    service = globals()[transition.service]
    assert callable(service)
    return service  # type: ignore[no-any-return]
