"""The standard outcome indicators as data: their unit, which way is better, how they add up.

The seed's gains (stable processing times, fewer follow-up questions, staff relieved) and the
error or objection rate; every organisation has them, and its board may define more.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portfolio.models import Indicator

Kind = Indicator.Kind
Direction = Indicator.Direction


@dataclass(frozen=True)
class StandardIndicator:
    kind: str
    unit: Promise
    direction: str
    # How the values of several use cases add up for the organisation: a sum of volumes and
    # hours, a mean of times and rates.
    aggregate: str
    description: Promise


STANDARD_INDICATORS: tuple[StandardIndicator, ...] = (
    StandardIndicator(
        Kind.PROCESSING_TIME,
        _("Tage"),
        Direction.LOWER,
        "mean",
        _("Median der Tage vom Eingang bis zum Bescheid im Zeitraum."),
    ),
    StandardIndicator(
        Kind.FOLLOW_UP_RATE,
        _("je Fall"),
        Direction.LOWER,
        "mean",
        _("Rückfragen an Antragstellende geteilt durch die Zahl der Fälle im Zeitraum."),
    ),
    StandardIndicator(
        Kind.CASE_VOLUME,
        _("Fälle"),
        Direction.HIGHER,
        "sum",
        _("Abgeschlossene Fälle im Zeitraum."),
    ),
    StandardIndicator(
        Kind.STAFF_HOURS,
        _("Stunden/Monat"),
        Direction.LOWER,
        "sum",
        _("Arbeitsstunden der Sachbearbeitung für diese Aufgabe je Monat."),
    ),
    StandardIndicator(
        Kind.ERROR_RATE,
        _("%"),
        Direction.LOWER,
        "mean",
        _(
            "Anteil der Fälle mit Fehler, Widerspruch oder Korrektur; die im Register erfassten "
            "Widersprüche stehen daneben."
        ),
    ),
)
STANDARD_BY_KIND = {indicator.kind: indicator for indicator in STANDARD_INDICATORS}


def aggregate_of(indicator: Indicator) -> str:
    """How an indicator's values of several use cases add up ("sum" or "mean")."""
    standard = STANDARD_BY_KIND.get(indicator.kind)
    return standard.aggregate if standard is not None else "mean"
