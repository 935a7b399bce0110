"""Every write of the maturity app: nominations, assessments and measures, with actor and reason."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import Membership, Organisation, User
from maturity import permissions, selectors
from maturity.models import (
    AnswererNomination,
    MaturityMeasure,
    ReadinessAssessment,
    ServiceAssessment,
)
from maturity.questionnaires import (
    ASKED_CRITERIA,
    CRITERIA_BY_KEY,
    DIMENSIONS_BY_KEY,
    READINESS_MAX_LEVEL,
    READINESS_QUESTIONS,
    READINESS_VERSION,
    SERVICE_MAX_LEVEL,
    SERVICE_VERSION,
    readiness_levels,
    service_level,
)
from registry import history
from registry.models import PublicService
from registry.validators import validate_leika_key


def _require_board(actor: User, organisation: Organisation) -> None:
    if not roles.is_board_member(actor, organisation.pk):
        raise PermissionDenied(_("Das darf nur das KI-Gremium der Organisation."))


def _require_answerer(actor: User, organisation: Organisation, scope: str) -> None:
    if not permissions.may_answer(actor, organisation, scope):
        raise PermissionDenied(
            _("Diesen Fragebogen beantworten das KI-Gremium und die Personen, die es benennt.")
        )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund an.")})
    return reason


@transaction.atomic
def nominate_answerer(
    organisation: Organisation, *, user: User, scope: str, actor: User, reason: str
) -> AnswererNomination:
    """Name a person of the organisation to answer one questionnaire (again, if named before)."""
    _require_board(actor, organisation)
    reason = _reason(reason)
    if scope not in AnswererNomination.Scope.values:
        raise ValidationError({"scope": _("Bitte wählen Sie einen Fragebogen.")})
    if not Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError(
            {"user": _("Benannt werden kann nur, wer in der Organisation eine Rolle hat.")}
        )
    nomination = (
        AnswererNomination.objects.select_for_update()
        .filter(organisation=organisation, user=user, scope=scope)
        .first()
    )
    if nomination is None:
        nomination = AnswererNomination(organisation=organisation, user=user, scope=scope)
    elif nomination.is_active:
        raise ValidationError({"user": _("Diese Person ist für diesen Fragebogen schon benannt.")})
    nomination.is_active = True
    nomination.nominated_by = actor
    nomination.nominated_at = timezone.now()
    nomination.full_clean(validate_constraints=False)
    history.save_tracked(nomination, actor=actor, reason=reason)
    return nomination


@transaction.atomic
def revoke_nomination(nomination: AnswererNomination, *, actor: User, reason: str) -> None:
    """End a nomination; the row and its history stay."""
    _require_board(actor, nomination.organisation)
    reason = _reason(reason)
    nomination = AnswererNomination.objects.select_for_update().get(pk=nomination.pk)
    if not nomination.is_active:
        return
    nomination.is_active = False
    history.save_tracked(nomination, actor=actor, reason=reason)


def _readiness_answers(answers: Mapping[str, Any]) -> dict[str, int]:
    errors: dict[str, str] = {}
    cleaned: dict[str, int] = {}
    for question in READINESS_QUESTIONS:
        raw = answers.get(question.key)
        try:
            value = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= READINESS_MAX_LEVEL:
            errors[question.key] = _("%(question)s: Bitte wählen Sie eine Stufe von 0 bis 4.") % {
                "question": question.text
            }
            continue
        cleaned[question.key] = value
    unknown = set(answers) - {q.key for q in READINESS_QUESTIONS}
    if unknown:
        errors["answers"] = _("Unbekannte Fragen: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def record_readiness_assessment(
    organisation: Organisation,
    *,
    answers: Mapping[str, Any],
    actor: User,
    note: str = "",
    reason: str = "",
    assessed_at: datetime.datetime | None = None,
) -> ReadinessAssessment:
    """Record an answered readiness questionnaire with the levels and the register's own facts.

    `assessed_at` is for an assessment held earlier (say, in a workshop) and entered now.
    """
    _require_answerer(actor, organisation, AnswererNomination.Scope.READINESS)
    cleaned = _readiness_answers(answers)
    now = timezone.now()
    if assessed_at is not None and assessed_at > now:
        raise ValidationError(
            {"assessed_at": _("Bewertet am: Der Zeitpunkt darf nicht in der Zukunft liegen.")}
        )
    levels = readiness_levels(cleaned)
    basics = selectors.governance_basics(organisation)
    assessment = ReadinessAssessment(
        organisation=organisation,
        questionnaire_version=READINESS_VERSION,
        answers=cleaned,
        governance_basics=basics,
        level_governance_basics=basics["level"],
        note=note.strip(),
        assessed_by=actor,
        assessed_at=assessed_at or now,
        **{f"level_{key}": level for key, level in levels.items()},
    )
    assessment.full_clean()
    history.save_tracked(
        assessment, actor=actor, reason=reason.strip() or _("Standortbestimmung erfasst")
    )
    return assessment


def _service_answers(answers: Mapping[str, Any]) -> dict[str, int | None]:
    errors: dict[str, str] = {}
    cleaned: dict[str, int | None] = {}
    for criterion in ASKED_CRITERIA:
        raw = answers.get(criterion.key)
        if raw in (None, "") and criterion.optional:
            cleaned[criterion.key] = None
            continue
        try:
            value = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= SERVICE_MAX_LEVEL:
            errors[criterion.key] = _("%(criterion)s: Bitte wählen Sie eine Stufe von 0 bis 7.") % {
                "criterion": criterion.label
            }
            continue
        cleaned[criterion.key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def record_service_assessment(
    organisation: Organisation,
    *,
    leika_key: str,
    answers: Mapping[str, Any],
    use_case_support: Mapping[str, list[str]],
    actor: User,
    service_name: str = "",
    note: str = "",
    reason: str = "",
) -> ServiceAssessment:
    """Record a service's OZG maturity and which criteria its AI use cases help with."""
    _require_answerer(actor, organisation, AnswererNomination.Scope.SERVICES)
    try:
        validate_leika_key(leika_key)
    except ValidationError as error:
        raise ValidationError({"leika_key": error.messages}) from None
    cleaned = _service_answers(answers)
    linked = set(
        PublicService.objects.filter(
            use_case__organisation=organisation, leika_key=leika_key
        ).values_list("use_case_id", flat=True)
    )
    support: dict[str, list[str]] = {}
    for use_case_id, criteria in use_case_support.items():
        if not str(use_case_id).isdigit() or int(use_case_id) not in linked:
            raise ValidationError(
                {
                    "use_case_support": _(
                        "Ein genannter Anwendungsfall unterstützt diese Leistung nicht."
                    )
                }
            )
        unknown = [key for key in criteria if key not in CRITERIA_BY_KEY]
        if unknown:
            raise ValidationError(
                {"use_case_support": _("Unbekanntes Kriterium: %(keys)s.") % {"keys": unknown}}
            )
        if criteria:
            support[str(int(use_case_id))] = sorted(set(criteria))
    assessment = ServiceAssessment(
        organisation=organisation,
        leika_key=leika_key,
        service_name=service_name.strip()[:300],
        questionnaire_version=SERVICE_VERSION,
        answers=cleaned,
        use_case_support=support,
        level=service_level(cleaned),
        note=note.strip(),
        assessed_by=actor,
        assessed_at=timezone.now(),
    )
    # The support was checked above; none at all ({}) is an assessment without AI use cases,
    # which the model's "not blank" would refuse.
    assessment.full_clean(exclude=["use_case_support"])
    history.save_tracked(
        assessment, actor=actor, reason=reason.strip() or _("Reifegrad der Leistung erfasst")
    )
    return assessment


MEASURE_FIELDS = ("dimension", "title", "description", "owner_role", "due_date", "target_level")


def _check_measure(measure: MaturityMeasure) -> None:
    if measure.dimension not in DIMENSIONS_BY_KEY:
        raise ValidationError({"dimension": _("Bitte wählen Sie eine Dimension.")})
    measure.full_clean(exclude=["organisation", "created_by"])


@transaction.atomic
def create_measure(
    organisation: Organisation, *, actor: User, reason: str, **fields: Any
) -> MaturityMeasure:
    """Plan a measure against a maturity gap."""
    _require_board(actor, organisation)
    reason = _reason(reason)
    now = timezone.now()
    measure = MaturityMeasure(
        organisation=organisation,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **{key: fields[key] for key in MEASURE_FIELDS if key in fields},
    )
    _check_measure(measure)
    history.save_tracked(measure, actor=actor, reason=reason)
    return measure


def measure_version(measure: MaturityMeasure) -> str:
    """The measure's current version: the id of its newest history row."""
    latest = measure.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return str(latest or "")


@transaction.atomic
def update_measure(
    measure: MaturityMeasure,
    *,
    actor: User,
    reason: str,
    expected_version: str,
    **fields: Any,
) -> MaturityMeasure:
    """Change a measure (its status, due date, owner …) from the version the person loaded."""
    _require_board(actor, measure.organisation)
    reason = _reason(reason)
    measure = MaturityMeasure.objects.select_for_update().get(pk=measure.pk)
    if measure_version(measure) != expected_version:
        raise ValidationError(
            _(
                "Die Maßnahme wurde inzwischen von einer anderen Person geändert. Bitte laden "
                "Sie die Seite neu und prüfen Sie Ihre Änderung."
            )
        )
    for key in (*MEASURE_FIELDS, "status"):
        if key in fields:
            setattr(measure, key, fields[key])
    if measure.status not in MaturityMeasure.Status.values:
        raise ValidationError({"status": _("Bitte wählen Sie einen Stand.")})
    measure.updated_at = timezone.now()
    _check_measure(measure)
    history.save_tracked(measure, actor=actor, reason=reason)
    return measure
