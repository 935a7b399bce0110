"""Every write of the portfolio: ratings, indicators, measurements, each with actor and reason.

Each service checks who may act, validates the whole input before it saves anything (a German
error naming the field), and saves through registry.history, so the history names who changed
what and why.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from portfolio import permissions
from portfolio.indicators import STANDARD_BY_KIND
from portfolio.models import CandidateRating, Indicator, Measurement, Scale
from registry import history
from registry.models import UseCase


class ConcurrentChange(Exception):
    """The record changed after the form loaded it; nothing was saved."""


def version_of(rating: CandidateRating | None) -> str:
    """The version an edit form carries of a rating (its last change; empty for none yet)."""
    return "" if rating is None else rating.updated_at.isoformat()


def measurement_version(measurement: Measurement) -> str:
    """The version a correction form carries of a measurement: its newest history row."""
    newest = (
        Measurement.history.filter(id=measurement.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return "" if newest is None else str(newest)


def _require(value: Any, field: str, message: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({field: message})
    return value.strip()


def _clean(record: Any, *, exclude: list[str] | None = None) -> None:
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def _scale(value: Any, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in Scale.values:
        raise ValidationError(
            {field: _("%(label)s: bitte einen Wert von 1 bis 5 wählen.") % {"label": label}}
        )
    return int(value)


@transaction.atomic
def rate_candidate(
    use_case: UseCase,
    *,
    actor: User,
    benefit: int,
    effort: int,
    note: str = "",
    reason: str = "",
    expected_version: str | None = None,
) -> CandidateRating:
    """Record the expected benefit and effort of a use case; the board or its department rate."""
    use_case = UseCase.objects.select_for_update().get(pk=use_case.pk)
    if not permissions.can_maintain(actor, use_case):
        raise PermissionDenied(_("Einschätzen dürfen das KI-Gremium und die Fachbereichsleitung."))
    errors: dict[str, str] = {}
    for field, value, label in (
        ("benefit", benefit, _("Erwarteter Nutzen")),
        ("effort", effort, _("Erwarteter Aufwand")),
    ):
        try:
            _scale(value, field, label)
        except ValidationError as exc:
            errors.update({key: messages[0] for key, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    rating = CandidateRating.objects.filter(use_case=use_case).first()
    if expected_version is not None and expected_version != version_of(rating):
        raise ConcurrentChange
    if rating is None:
        rating = CandidateRating(use_case=use_case)
        default_reason = _("Einschätzung erfasst")
    else:
        default_reason = _("Einschätzung geändert")
    rating.benefit, rating.effort, rating.note = benefit, effort, (note or "").strip()
    _clean(rating, exclude=["use_case"])
    history.save_tracked(rating, actor=actor, reason=(reason or "").strip() or default_reason)
    return rating


def _check_board(actor: User, organisation: Organisation) -> None:
    if not permissions.can_manage_indicators(actor, organisation.pk):
        raise PermissionDenied(_("Kennzahlen legt das KI-Gremium fest."))


def _standard(organisation: Organisation, kind: str, *, actor: User | None) -> Indicator:
    """The organisation's row of a standard indicator, created the first time it is used."""
    indicator = Indicator.objects.filter(organisation=organisation, kind=kind).first()
    if indicator is not None:
        return indicator
    standard = STANDARD_BY_KIND[kind]
    indicator = Indicator(
        organisation=organisation,
        kind=kind,
        name=str(Indicator.Kind(kind).label),
        unit=str(standard.unit),
        direction=standard.direction,
    )
    history.save_tracked(indicator, actor=actor, reason=_("Standardkennzahl angelegt"))
    return indicator


def indicator_for(organisation: Organisation, key: str, *, actor: User) -> Indicator:
    """The indicator a form or request names: a standard kind, or the id of a defined one."""
    if key in STANDARD_BY_KIND:
        return _standard(organisation, key, actor=actor)
    indicator = (
        Indicator.objects.filter(organisation=organisation, pk=key).first()
        if isinstance(key, str) and key.isdigit() and len(key) <= 18
        else None
    )
    if indicator is None:
        raise ValidationError({"indicator": _("Diese Kennzahl gibt es hier nicht.")})
    return indicator


@transaction.atomic
def define_indicator(
    organisation: Organisation,
    *,
    actor: User,
    name: str,
    unit: str = "",
    direction: str = Indicator.Direction.LOWER,
    is_public: bool = False,
    reason: str = "",
) -> Indicator:
    """The board defines an indicator of its own ("Termintreue", "Wartezeit am Telefon")."""
    _check_board(actor, organisation)
    name = _require(name, "name", _("Bitte geben Sie der Kennzahl eine Bezeichnung."))
    if direction not in Indicator.Direction.values:
        raise ValidationError({"direction": _("Bitte wählen Sie, welche Richtung besser ist.")})
    if Indicator.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": _("Eine Kennzahl mit dieser Bezeichnung gibt es schon.")})
    indicator = Indicator(
        organisation=organisation,
        kind=Indicator.Kind.CUSTOM,
        name=name,
        unit=(unit or "").strip(),
        direction=direction,
        is_public=bool(is_public),
    )
    _clean(indicator)
    history.save_tracked(
        indicator, actor=actor, reason=(reason or "").strip() or _("Kennzahl festgelegt")
    )
    return indicator


@transaction.atomic
def set_indicator_publication(
    organisation: Organisation, key: str, *, actor: User, is_public: bool, reason: str
) -> Indicator:
    """The board decides whether an indicator's values are public (report, register, open data)."""
    _check_board(actor, organisation)
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund an."))
    indicator = indicator_for(organisation, key, actor=actor)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if indicator.is_public != bool(is_public):
        indicator.is_public = bool(is_public)
        history.save_tracked(indicator, actor=actor, reason=reason)
    return indicator


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError({"value": _("Bitte geben Sie den Wert als Zahl an.")})
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"value": _("Bitte geben Sie den Wert als Zahl an.")}) from exc
    if not number.is_finite():
        raise ValidationError({"value": _("Bitte geben Sie den Wert als Zahl an.")})
    if number < 0:
        raise ValidationError({"value": _("Der Wert darf nicht negativ sein.")})
    if number >= Decimal("1e10"):
        raise ValidationError({"value": _("Der Wert ist zu groß.")})
    return number.quantize(Decimal("0.01"))


def _check_period(
    use_case: UseCase, phase: str, start: Any, end: Any
) -> tuple[datetime.date, datetime.date]:
    if phase not in Measurement.Phase.values:
        raise ValidationError(
            {"phase": _("Bitte wählen Sie: Ausgangswert oder Messung im Betrieb.")}
        )
    for field, value in (("period_start", start), ("period_end", end)):
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise ValidationError({field: _("Bitte geben Sie ein Datum an.")})
    assert isinstance(start, datetime.date) and isinstance(end, datetime.date)
    if end < start:
        raise ValidationError({"period_end": _("Das Ende des Zeitraums liegt vor seinem Beginn.")})
    if end > timezone.localdate():
        raise ValidationError(
            {"period_end": _("Gemessen werden nur abgeschlossene Zeiträume, nicht die Zukunft.")}
        )
    go_live = use_case.start_date
    if go_live is not None and phase == Measurement.Phase.BASELINE and end >= go_live:
        raise ValidationError(
            {
                "period_end": _(
                    "Ein Ausgangswert misst die Zeit vor dem Start am %(day)s; der Zeitraum "
                    "muss davor enden."
                )
                % {"day": formats.date_format(go_live, "SHORT_DATE_FORMAT")}
            }
        )
    if go_live is not None and phase == Measurement.Phase.FOLLOW_UP and start < go_live:
        raise ValidationError(
            {
                "period_start": _(
                    "Eine Messung im Betrieb beginnt frühestens mit dem Start am %(day)s."
                )
                % {"day": formats.date_format(go_live, "SHORT_DATE_FORMAT")}
            }
        )
    return start, end


@transaction.atomic
def record_measurement(
    use_case: UseCase,
    *,
    actor: User,
    indicator: str,
    phase: str,
    period_start: datetime.date,
    period_end: datetime.date,
    value: Any,
    source: str,
    note: str = "",
    reason: str = "",
) -> Measurement:
    """Record one value of an indicator for a use case over a closed period, with its source."""
    use_case = UseCase.objects.select_for_update().get(pk=use_case.pk)
    if not permissions.can_maintain(actor, use_case):
        raise PermissionDenied(_("Messwerte erfassen das KI-Gremium und die Fachbereichsleitung."))
    # Everything is checked before the standard indicator's row may be created.
    if not (isinstance(indicator, str) and indicator):
        raise ValidationError({"indicator": _("Bitte wählen Sie eine Kennzahl.")})
    start, end = _check_period(use_case, phase, period_start, period_end)
    number = _decimal(value)
    source = _require(source, "source", _("Bitte geben Sie die Quelle des Werts an."))
    chosen = indicator_for(use_case.organisation, indicator, actor=actor)
    if Measurement.objects.filter(
        use_case=use_case, indicator=chosen, period_start=start, period_end=end
    ).exists():
        raise ValidationError(
            {
                "period_start": _(
                    "Für diesen Zeitraum gibt es schon einen Wert dieser Kennzahl; bitte "
                    "korrigieren Sie ihn dort."
                )
            }
        )
    measurement = Measurement(
        use_case=use_case,
        indicator=chosen,
        phase=phase,
        period_start=start,
        period_end=end,
        value=number,
        source=source,
        note=(note or "").strip(),
        entered_by=actor,
    )
    _clean(measurement)
    history.save_tracked(
        measurement, actor=actor, reason=(reason or "").strip() or _("Messwert erfasst")
    )
    return measurement


@transaction.atomic
def correct_measurement(
    measurement: Measurement,
    *,
    actor: User,
    value: Any,
    source: str,
    reason: str,
    note: str | None = None,
    expected_version: str | None = None,
) -> Measurement:
    """Correct a recorded value or its source; the history keeps the old one and the reason.

    A form passes the version it showed as `expected_version`: a correction of a measurement
    someone else changed meanwhile is refused (ConcurrentChange) and nothing is saved.
    """
    measurement = (
        Measurement.objects.select_for_update().select_related("use_case").get(pk=measurement.pk)
    )
    if not permissions.can_maintain(actor, measurement.use_case):
        raise PermissionDenied(_("Messwerte erfassen das KI-Gremium und die Fachbereichsleitung."))
    number = _decimal(value)
    source = _require(source, "source", _("Bitte geben Sie die Quelle des Werts an."))
    reason = _require(reason, "reason", _("Bitte geben Sie einen Grund für die Korrektur an."))
    if expected_version is not None and expected_version != measurement_version(measurement):
        raise ConcurrentChange
    new_note = measurement.note if note is None else note.strip()
    if (measurement.value, measurement.source, measurement.note) == (number, source, new_note):
        # Nothing to correct: no history row that changes nothing.
        return measurement
    measurement.value, measurement.source, measurement.note = number, source, new_note
    _clean(measurement)
    history.save_tracked(measurement, actor=actor, reason=reason)
    return measurement
