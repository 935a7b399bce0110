"""The suitability score of a use case as data: its terms, their scales and their sources.

Like the risk rules (governance/risk/engine.py), the formula is a table read by everyone: the
selectors compute each term in the database (`Term.expression`), the pages explain each term
from the same rows (`Term.points`, `Term.describe`), and a changed weight or a new term is a
new `Formula` in `FORMULAS`, never an edit of what a version meant.
tests/portfolio/test_formula.py checks that the Python and the database side agree, term by term.

Each term counts towards one axis of the portfolio chart: the benefit (how much relief a
use case can bring) or the feasibility (how well it can be built and run lawfully).
"""

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Expression, F, FloatField, Q, Value, When
from django.db.models.functions import Cast, Least
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import UseCase

# The annotation names the selectors give the inputs that are not plain use case fields.
REGISTER_COUNT = "once_only_registers"
BENEFIT = "rated_benefit"
EFFORT = "rated_effort"
SERVICE_MATURITY = "service_maturity_level"


class Axis(enum.StrEnum):
    BENEFIT = "benefit"
    FEASIBILITY = "feasibility"


AXIS_LABELS: dict[Axis, Promise] = {
    Axis.BENEFIT: gettext_lazy("Nutzen"),
    Axis.FEASIBILITY: gettext_lazy("Machbarkeit"),
}


def signed(points: float) -> str:
    """Points as the pages show them: always with a sign, one decimal ("+3,0", "−1,5")."""
    text = formats.number_format(abs(points), 1)
    return ("−" if points < 0 else "+") + text


@dataclass(frozen=True)
class Term:
    """One term of the score: the input it reads, how its value becomes points, and why."""

    key: str
    label: Promise
    axis: Axis
    # The input: a use case field or one of the annotations above.
    field: str
    source: Promise
    # Points for a choice's value (choice terms) ...
    choices: tuple[tuple[str, float], ...] = ()
    # ... or for the lowest threshold a number reaches (threshold terms, highest first) ...
    thresholds: tuple[tuple[int, float], ...] = ()
    # ... or per unit up to a cap (linear terms).
    per_unit: float = 0.0
    cap: float | None = None
    # Points when the input is missing (not answered, not rated) ...
    missing: float = 0.0
    # ... and how the page names it, when "nicht angegeben" would be wrong.
    missing_text: Promise | None = None
    unit: Promise | None = None
    # How a number is shown: its decimals and a wording around it ("Stufe %(value)s von 7").
    decimals: int = 0
    value_format: Promise | None = None

    def points(self, value: Any) -> float:
        """The points this term gives for `value` (None: not answered)."""
        if value is None or (value == "" and not self.choices):
            return self.missing
        if self.choices:
            return dict(self.choices).get(value, self.missing)
        if self.thresholds:
            for threshold, points in self.thresholds:
                if value >= threshold:
                    return points
            return 0.0
        points = float(value) * self.per_unit
        return points if self.cap is None else min(points, self.cap)

    def expression(self) -> Expression:
        """The same points as a database expression over the annotated use cases."""
        field = F(self.field)
        if self.choices:
            return Case(
                *(When(Q(**{self.field: choice}), then=Value(pts)) for choice, pts in self.choices),
                default=Value(self.missing),
                output_field=FloatField(),
            )
        if self.thresholds:
            return Case(
                When(Q(**{f"{self.field}__isnull": True}), then=Value(self.missing)),
                *(
                    When(Q(**{f"{self.field}__gte": threshold}), then=Value(pts))
                    for threshold, pts in self.thresholds
                ),
                default=Value(0.0),
                output_field=FloatField(),
            )
        linear: Any = Cast(field, FloatField()) * Value(self.per_unit)
        if self.cap is not None:
            linear = Least(linear, Value(self.cap))
        # LEAST skips a NULL on PostgreSQL but not on SQLite: a missing input is decided first.
        return Case(
            When(Q(**{f"{self.field}__isnull": True}), then=Value(self.missing)),
            default=linear,
            output_field=FloatField(),
        )

    def scale_text(self) -> str:
        """How the input becomes points, in words ("ab 10.000: +3,0; …")."""
        missing = _("%(missing)s: %(points)s") % {
            "missing": self.missing_text or _("nicht angegeben"),
            "points": signed(self.missing),
        }
        if self.choices:
            parts = [f"{self.describe(choice)}: {signed(pts)}" for choice, pts in self.choices]
        elif self.thresholds:
            parts = [
                _("ab %(value)s: %(points)s") % {"value": self._number(t), "points": signed(p)}
                for t, p in self.thresholds
            ]
            parts.append(_("darunter: %(points)s") % {"points": signed(0.0)})
        else:
            parts = [_("je Einheit %(points)s") % {"points": signed(self.per_unit)}]
            if self.cap is not None:
                parts.append(_("höchstens %(points)s") % {"points": signed(self.cap)})
        return "; ".join([*parts, missing])

    def _number(self, value: float, decimals: int = 0) -> str:
        text = formats.number_format(value, decimals, force_grouping=True)
        return str(self.value_format) % {"value": text} if self.value_format else text

    def describe(self, value: Any) -> str:
        """The input as the explanation names it ("12.000/Jahr", "hoch", "nicht angegeben")."""
        if value is None or value == "":
            if self.key == "risk_class":
                return str(UseCase.RiskClass.UNCLASSIFIED.label)
            return str(self.missing_text or _("nicht angegeben"))
        if self.key == "risk_class":
            return str(UseCase.RiskClass(value).label)
        if self.choices:
            return str(dict(UseCase.Level.choices).get(value, value))
        text = self._number(value, self.decimals)
        return f"{text}{self.unit}" if self.unit else text


RISK_SOURCE = gettext_lazy(
    "Art. 5 KI-VO (verbotene Praktiken: nicht einsetzbar), Art. 6 und Anhang III KI-VO "
    "(Hochrisiko: Pflichten der Betreiber nach Art. 26 und 27), Art. 50 KI-VO (Transparenz)"
)

TERMS_V1: tuple[Term, ...] = (
    Term(
        key="case_volume",
        label=gettext_lazy("Fallzahl"),
        axis=Axis.BENEFIT,
        field="yearly_case_volume",
        thresholds=((10_000, 3.0), (1_000, 2.0), (100, 1.0)),
        unit=gettext_lazy("/Jahr"),
        source=gettext_lazy(
            "Auswahlkriterium „hohe Fallzahlen“ der Handreichung; Stufen je Zehnerpotenz ab "
            "100 Fällen im Jahr"
        ),
    ),
    Term(
        key="benefit",
        label=gettext_lazy("Erwarteter Nutzen"),
        axis=Axis.BENEFIT,
        field=BENEFIT,
        per_unit=0.8,
        unit=gettext_lazy(" von 5"),
        source=gettext_lazy(
            "Einschätzung des KI-Gremiums oder der Fachbereichsleitung (Entlastung, weniger "
            "Rückfragen, stabilere Bearbeitungszeiten), Skala 1–5"
        ),
    ),
    Term(
        key="rule_clarity",
        label=gettext_lazy("Klarheit der Regeln"),
        axis=Axis.FEASIBILITY,
        field="rule_clarity",
        choices=(("high", 2.0), ("medium", 1.0), ("low", 0.0)),
        source=gettext_lazy("Auswahlkriterium „klare Regeln“ der Handreichung"),
    ),
    Term(
        key="input_structure",
        label=gettext_lazy("Strukturierbarkeit der Eingaben"),
        axis=Axis.FEASIBILITY,
        field="input_structure",
        choices=(("high", 2.0), ("medium", 1.0), ("low", 0.0)),
        source=gettext_lazy("Auswahlkriterium „strukturierbare Informationen“ der Handreichung"),
    ),
    Term(
        key="once_only",
        label=gettext_lazy("Nachnutzung von Registern (Once-Only)"),
        axis=Axis.FEASIBILITY,
        field=REGISTER_COUNT,
        per_unit=0.5,
        cap=1.5,
        unit=gettext_lazy(" Register"),
        source=gettext_lazy(
            "Once-Only-Prinzip (§ 5 EGovG, Registermodernisierungsgesetz): je genutztem Register "
            "+0,5, höchstens +1,5"
        ),
    ),
    Term(
        key="effort",
        label=gettext_lazy("Erwarteter Aufwand"),
        axis=Axis.FEASIBILITY,
        field=EFFORT,
        per_unit=-0.6,
        unit=gettext_lazy(" von 5"),
        source=gettext_lazy(
            "Einschätzung des KI-Gremiums oder der Fachbereichsleitung (Kosten, Umbau der "
            "Fachverfahren, Schulung), Skala 1–5"
        ),
    ),
    Term(
        key="risk_class",
        label=gettext_lazy("Risikoklasse (KI-VO)"),
        axis=Axis.FEASIBILITY,
        field="risk_class",
        choices=(
            ("prohibited", -10.0),
            ("high_risk", -3.0),
            ("transparency", -0.5),
            ("minimal", 0.0),
            ("out_of_scope", 0.0),
        ),
        # Not yet classified: the duties are unknown, which costs a little.
        missing=-1.0,
        source=RISK_SOURCE,
    ),
)

SERVICE_MATURITY_TERM = Term(
    key="service_maturity",
    label=gettext_lazy("Reifegrad der unterstützten Leistungen"),
    axis=Axis.FEASIBILITY,
    field=SERVICE_MATURITY,
    thresholds=((6, 1.5), (4, 1.0), (2, 0.5)),
    missing_text=gettext_lazy("keine Leistung bewertet"),
    decimals=1,
    value_format=gettext_lazy("Stufe %(value)s"),
    source=gettext_lazy(
        "Standortbestimmung des Registers: Mittel der zuletzt bewerteten Reifegrade "
        "(OZG-Reifegradmodell 2.0, Stufen 0–7) der Verwaltungsleistungen, die der "
        "Anwendungsfall unterstützt. Ab Stufe 4 arbeitet eine Leistung prozessorientiert und "
        "datenzentriert – die Eingaben liegen digital und strukturiert vor, auf denen eine KI "
        "aufsetzt; ab Stufe 6 sind die Basiskomponenten angebunden."
    ),
)


@dataclass(frozen=True)
class Formula:
    """One version of the formula: its terms, from when it counts, and what it changed."""

    version: int
    valid_from: datetime.date
    terms: tuple[Term, ...]
    change: Promise

    @property
    def terms_by_key(self) -> Mapping[str, Term]:
        return {term.key: term for term in self.terms}


# Every version stays as it was: a score is always shown with the version it was computed with.
FORMULAS: tuple[Formula, ...] = (
    Formula(
        version=1,
        valid_from=datetime.date(2026, 12, 1),
        terms=TERMS_V1,
        change=gettext_lazy(
            "Erste Fassung: Fallzahl, erwarteter Nutzen, Klarheit der Regeln, Strukturierbarkeit "
            "der Eingaben, Nachnutzung von Registern, erwarteter Aufwand und Risikoklasse. Der "
            "Reifegrad der berührten Verwaltungsleistungen fließt nicht ein."
        ),
    ),
    Formula(
        version=2,
        valid_from=datetime.date(2026, 12, 2),
        terms=(*TERMS_V1, SERVICE_MATURITY_TERM),
        change=gettext_lazy(
            "Neuer Baustein „Reifegrad der unterstützten Leistungen“ (Machbarkeit, bis +1,5 "
            "Punkte) aus der Standortbestimmung der Verwaltungsleistungen; alle anderen Bausteine "
            "unverändert."
        ),
    ),
)
CURRENT = FORMULAS[-1]
FORMULA_VERSION = CURRENT.version
TERMS = CURRENT.terms
TERMS_BY_KEY: Mapping[str, Term] = CURRENT.terms_by_key


@dataclass(frozen=True)
class Explained:
    """One term of a use case's score, as the page shows it."""

    term: Term
    value: str
    points: float

    @property
    def text(self) -> str:
        return f"{self.term.label} {self.value} → {signed(self.points)}"

    @property
    def signed_points(self) -> str:
        return signed(self.points)


def explain(inputs: Mapping[str, Any], formula: Formula = CURRENT) -> list[Explained]:
    """Each term's input and points for one use case's inputs (field or annotation → value)."""
    return [
        Explained(term, term.describe(inputs.get(term.field)), term.points(inputs.get(term.field)))
        for term in formula.terms
    ]


def total(inputs: Mapping[str, Any], axis: Axis | None = None, formula: Formula = CURRENT) -> float:
    """The sum of the terms' points (of one axis, or all), unrounded, in the terms' order: what
    the database's `axis_expression()` computes, so that both order use cases alike."""
    points = 0.0
    for term in formula.terms:
        if axis is None or term.axis == axis:
            points += term.points(inputs.get(term.field))
    return points


def score(inputs: Mapping[str, Any], formula: Formula = CURRENT) -> float:
    """The sum of the terms' points for one use case's inputs."""
    return round(total(inputs, formula=formula), 2)


def axis_expression(axis: Axis | None = None, formula: Formula = CURRENT) -> Any:
    """The sum of the terms (of one axis, or all) as a database expression."""
    terms = [term for term in formula.terms if axis is None or term.axis == axis]
    total: Any = terms[0].expression()
    for term in terms[1:]:
        total = total + term.expression()
    return total


def bounds(axis: Axis, formula: Formula = CURRENT) -> tuple[float, float]:
    """The lowest and highest points an axis can reach (the chart's scale)."""
    low = high = 0.0
    for term in (t for t in formula.terms if t.axis == axis):
        if term.choices:
            values = [pts for _c, pts in term.choices] + [term.missing]
        elif term.thresholds:
            values = [pts for _t, pts in term.thresholds] + [0.0, term.missing]
        else:
            ends = [term.per_unit * 1, term.per_unit * 5]
            values = [*(min(v, term.cap) if term.cap is not None else v for v in ends), 0.0]
            values.append(term.missing)
        low += min(values)
        high += max(values)
    return low, high
