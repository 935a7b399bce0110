"""The EU AI Act (Regulation (EU) 2024/1689, "KI-VO") risk classification as a pure rule set.

The engine answers two questions from the questionnaire's facts: which risk class applies (the
highest one wins) and which obligations the Act puts on the organisation *in its role* (provider,
deployer or both). It assumes the deployer is a body governed by public law, which every
municipality using the registry is; that assumption decides Art. 27(1) and Art. 49(3).

Legal references in reasons stay German citations in every language: they are identifiers a
reader looks up, while the sentences beside them are translated.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final, Literal, get_args

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.risk.dates import (
    APPLICATION_DATES,
    ART_50_DATE,
    Route,
    TimingState,
    citation,
    state_on,
)

# Bump whenever a rule changes, so stored classifications show which rules produced them.
# 2026.2: dates of application per obligation (governance.risk.dates), the deployer's legal form,
# the prohibitions added by Regulation (EU) 2026/1744 and the transitional rules of Art. 111.
# 2026.3: the decision tree (governance.risk.tree): questions that cannot matter are skipped,
# "weiß nicht" is an answer, and an unfinished or open tree has the outcome "undetermined".
RULE_SET_VERSION: Final = "2026.3"

# "undetermined": the tree is not finished or an answer on its path is "weiß nicht"; no verdict.
RiskClass = Literal[
    "out_of_scope", "prohibited", "high_risk", "transparency", "minimal", "undetermined"
]
Role = Literal["deployer", "provider", "provider_and_deployer", "importer", "distributor"]
Side = Literal["provider", "deployer", "importer", "distributor"]
Exclusion = Literal[
    "military_defence_national_security", "scientific_research", "pre_market_research"
]
ProhibitedPractice = Literal[
    "5_1_a", "5_1_b", "5_1_ba", "5_1_bb", "5_1_c", "5_1_d", "5_1_e", "5_1_f", "5_1_g", "5_1_h"
]
# The deployer's legal form decides Art. 27(1) (bodies governed by public law and private entities
# providing public services) and Art. 26(8), 49(3) (public authorities and those acting for them).
LegalForm = Literal[
    "public_authority", "body_governed_by_public_law", "private_public_services", "private"
]
AnnexIIIPoint = Literal["1", "2", "3", "4", "5a", "5b", "5c", "5d", "6", "7", "8a", "8b"]
Art63Condition = Literal["a", "b", "c", "d"]
Obligation = Literal[
    "art_4_ai_literacy",
    "art_5_prohibited",
    "art_6_4_documentation",
    "art_16_provider_obligations",
    "art_23_importer_obligations",
    "art_24_distributor_obligations",
    "art_26_deployer_obligations",
    "art_26_10_post_remote_biometric_identification",
    "art_26_11_inform_affected_persons",
    "art_27_fria",
    "art_49_registration",
    "art_53_gpai_model_provider",
    "art_86_explanation",
    "art_50_1",
    "art_50_2",
    "art_50_3",
    "art_50_4",
]

RISK_CLASSES: Final[tuple[RiskClass, ...]] = get_args(RiskClass)
ROLES: Final[tuple[Role, ...]] = get_args(Role)
EXCLUSIONS: Final[tuple[Exclusion, ...]] = get_args(Exclusion)
PROHIBITED_PRACTICES: Final[tuple[ProhibitedPractice, ...]] = get_args(ProhibitedPractice)
ANNEX_III_POINTS: Final[tuple[AnnexIIIPoint, ...]] = get_args(AnnexIIIPoint)
ART_6_3_CONDITIONS: Final[tuple[Art63Condition, ...]] = get_args(Art63Condition)
OBLIGATIONS: Final[tuple[Obligation, ...]] = get_args(Obligation)
LEGAL_FORMS: Final[tuple[LegalForm, ...]] = get_args(LegalForm)
# Prohibitions inserted by Art. 1 Nr. 7 VO (EU) 2026/1744, applying from a later date.
AMENDED_PRACTICES: Final[frozenset[ProhibitedPractice]] = frozenset({"5_1_ba", "5_1_bb"})
FRIA_LEGAL_FORMS: Final[frozenset[LegalForm]] = frozenset(
    {"public_authority", "body_governed_by_public_law", "private_public_services"}
)
PUBLIC_AUTHORITY_FORMS: Final[frozenset[LegalForm]] = frozenset({"public_authority"})
# Art. 111(2) second sentence: systems "intended to be used by public authorities".
PUBLIC_LAW_FORMS: Final[frozenset[LegalForm]] = frozenset(
    {"public_authority", "body_governed_by_public_law"}
)

LEGAL_FORM_LABELS: Final[dict[LegalForm, Promise]] = {
    "public_authority": _("Behörde (etwa Gemeinde, Stadt, Landkreis oder ihr Amt)"),
    "body_governed_by_public_law": _(
        "Einrichtung des öffentlichen Rechts (etwa Anstalt, Zweckverband, Eigenbetrieb)"
    ),
    "private_public_services": _(
        "Privatrechtliches Unternehmen, das öffentliche Dienste erbringt (etwa Stadtwerke GmbH)"
    ),
    "private": _("Privatrechtliches Unternehmen ohne öffentliche Dienste"),
}

ROLE_LABELS: Final[dict[Role, Promise]] = {
    "deployer": _("Betreiber: Wir setzen ein KI-System unter eigener Verantwortung ein."),
    "provider": _(
        "Anbieter: Wir entwickeln das KI-System oder lassen es entwickeln und geben es "
        "unter eigenem Namen an andere ab."
    ),
    "provider_and_deployer": _(
        "Anbieter und Betreiber: Wir entwickeln das System selbst (oder verändern es wesentlich) "
        "und setzen es auch selbst ein."
    ),
    "importer": _(
        "Einführer: Wir bringen als Erste in der EU das System eines Anbieters aus einem "
        "Drittland in Verkehr (etwa als IT-Dienstleister)."
    ),
    "distributor": _(
        "Händler: Wir geben das System eines anderen Anbieters an Dritte weiter, ohne es zu "
        "verändern (etwa als IT-Dienstleister für Kommunen)."
    ),
}

# Phrased to complete "Das System wird … eingesetzt" in the out-of-scope reason.
EXCLUSION_LABELS: Final[dict[Exclusion, Promise]] = {
    "military_defence_national_security": _(
        "ausschließlich für militärische Zwecke, Verteidigung oder nationale Sicherheit"
    ),
    "scientific_research": _("eigens und allein für wissenschaftliche Forschung und Entwicklung"),
    "pre_market_research": _(
        "nur zur Forschung, Erprobung oder Entwicklung vor dem Inverkehrbringen oder der "
        "Inbetriebnahme"
    ),
}

EXCLUSION_ARTICLES: Final[dict[Exclusion, str]] = {
    "military_defence_national_security": "Art. 2 Abs. 3 KI-VO",
    "scientific_research": "Art. 2 Abs. 6 KI-VO",
    "pre_market_research": "Art. 2 Abs. 8 KI-VO",
}

PROHIBITED_PRACTICE_LABELS: Final[dict[ProhibitedPractice, Promise]] = {
    "5_1_a": _(
        "unterschwellige, manipulative oder täuschende Techniken, die das Verhalten von Menschen "
        "wesentlich verzerren und erheblichen Schaden verursachen können"
    ),
    "5_1_b": _(
        "Ausnutzen der Schutzbedürftigkeit von Menschen wegen ihres Alters, einer Behinderung "
        "oder ihrer sozialen oder wirtschaftlichen Lage"
    ),
    "5_1_ba": _(
        "realistische intime oder sexuelle Bilder, Videos oder Töne einer erkennbaren Person "
        "ohne deren Einwilligung erzeugen oder verändern"
    ),
    "5_1_bb": _("Darstellungen sexuellen Missbrauchs von Kindern erzeugen oder verändern"),
    "5_1_c": _(
        "Social Scoring: Bewertung von Menschen nach ihrem sozialen Verhalten oder ihrer "
        "Persönlichkeit, die zu ungerechtfertigter Schlechterstellung führt"
    ),
    "5_1_d": _(
        "Vorhersage, ob ein Mensch eine Straftat begehen wird, allein aufgrund von Profiling "
        "oder Persönlichkeitsmerkmalen"
    ),
    "5_1_e": _(
        "ungezieltes Auslesen von Gesichtsbildern aus dem Internet oder aus Überwachungsaufnahmen "
        "für Gesichtserkennungsdatenbanken"
    ),
    "5_1_f": _(
        "Erkennen von Emotionen am Arbeitsplatz oder in Bildungseinrichtungen "
        "(außer aus medizinischen oder Sicherheitsgründen)"
    ),
    "5_1_g": _(
        "biometrische Kategorisierung, um Herkunft, politische Meinung, "
        "Gewerkschaftszugehörigkeit, religiöse Überzeugung, Sexualleben oder sexuelle "
        "Orientierung abzuleiten"
    ),
    "5_1_h": _(
        "biometrische Echtzeit-Fernidentifizierung in öffentlich zugänglichen Räumen "
        "zur Strafverfolgung"
    ),
}

ANNEX_III_LABELS: Final[dict[AnnexIIIPoint, Promise]] = {
    "1": _("Biometrie: Fernidentifizierung, biometrische Kategorisierung, Emotionserkennung"),
    "2": _(
        "Kritische Infrastruktur: Sicherheitsbauteil für Straßenverkehr, Wasser-, Gas-, Wärme- "
        "oder Stromversorgung oder kritische digitale Infrastruktur"
    ),
    "3": _("Bildung: Zugang und Zulassung, Bewertung von Lernergebnissen, Prüfungsaufsicht"),
    "4": _(
        "Beschäftigung: Einstellung und Auswahl, Beförderung und Kündigung, Aufgabenzuweisung, "
        "Überwachung und Bewertung von Beschäftigten"
    ),
    "5a": _(
        "Öffentliche Leistungen: Anspruch auf öffentliche Unterstützungsleistungen und -dienste "
        "prüfen, gewähren, kürzen, widerrufen oder zurückfordern"
    ),
    "5b": _("Kreditwürdigkeit oder Bonität natürlicher Personen bewerten"),
    "5c": _("Risikobewertung und Preisbildung bei Lebens- und Krankenversicherungen"),
    "5d": _(
        "Notrufe bewerten und einstufen, Einsätze von Polizei, Feuerwehr und Rettungsdienst "
        "priorisieren, Patienten-Triage"
    ),
    "6": _("Strafverfolgung"),
    "7": _("Migration, Asyl und Grenzkontrolle, etwa Prüfung von Aufenthaltstiteln"),
    "8a": _("Rechtspflege: Unterstützung von Justizbehörden oder alternativer Streitbeilegung"),
    "8b": _("Beeinflussung von Wahlen oder Abstimmungen oder des Wahlverhaltens"),
}

ART_6_3_LABELS: Final[dict[Art63Condition, Promise]] = {
    "a": _("Es erledigt nur eine eng gefasste Verfahrensaufgabe."),
    "b": _("Es verbessert nur das Ergebnis einer zuvor abgeschlossenen menschlichen Tätigkeit."),
    "c": _(
        "Es erkennt nur Entscheidungsmuster oder Abweichungen davon und ersetzt oder beeinflusst "
        "die zuvor abgeschlossene menschliche Bewertung nicht ohne angemessene menschliche Prüfung."
    ),
    "d": _("Es erledigt nur eine vorbereitende Aufgabe für eine Bewertung nach Anhang III."),
}

# Annex III point 2 is exempt from the deployer's FRIA (Art. 27(1)) and from EU-database
# registration (Art. 49(1), (3)); its systems are registered at national level (Art. 49(5)).
CRITICAL_INFRASTRUCTURE: Final[AnnexIIIPoint] = "2"
# Registrations for these points go to the non-public section of the EU database (Art. 49(4)).
NON_PUBLIC_REGISTRATION_POINTS: Final[frozenset[AnnexIIIPoint]] = frozenset({"1", "6", "7"})


def _annex_iii_citation(point: AnnexIIIPoint) -> str:
    """Return the German citation of an Annex III point, e.g. "Anhang III Nr. 5 lit. a"."""
    number, letter = point[0], point[1:]
    return f"Anhang III Nr. {number} lit. {letter}" if letter else f"Anhang III Nr. {number}"


@dataclass(frozen=True)
class Facts:
    """The questionnaire's answers; an unanswered question counts as "no" (false / empty)."""

    # False by default, like every other unanswered yes/no question: the Act only starts to apply
    # once someone has affirmed that the use case is an AI system under Art. 3(1).
    is_ai_system: bool = False
    excluded: Exclusion | None = None
    role: Role = "deployer"
    prohibited_practices: frozenset[ProhibitedPractice] = frozenset()
    annex_i_safety_component: bool = False
    # Annex I Section B (since VO (EU) 2026/1744 also machinery): Art. 2(2).
    annex_i_section_b: bool = False
    annex_iii_points: frozenset[AnnexIIIPoint] = frozenset()
    # Art. 3(39), Annex III 1(c): emotions inferred from biometric data (not from text).
    emotion_recognition: bool = False
    # Annex III 1(b): categorisation by sensitive or protected attributes from biometric data.
    biometric_categorisation_sensitive: bool = False
    # Art. 25(1)(c): a general-purpose system put to a high-risk purpose.
    general_purpose_system_put_to_high_risk_use: bool = False
    # Art. 6(3) first subparagraph: no significant risk of harm, no material influence.
    art_6_3_no_significant_risk: bool = False
    art_6_3_conditions: frozenset[Art63Condition] = frozenset()
    profiles_natural_persons: bool = False
    interacts_with_natural_persons: bool = False
    generates_synthetic_content: bool = False
    # Kept under its old id so stored answers stay readable; since rule set 2026.2 it asks for
    # biometric categorisation only (emotion recognition and sensitive traits are asked below).
    emotion_recognition_or_biometric_categorisation: bool = False
    deep_fake: bool = False
    public_interest_text_without_editorial_review: bool = False
    # Filled from the organisation's record when a use case is classified (accounts.Organisation).
    deployer_legal_form: LegalForm = "public_authority"
    # When the system (its type and model) was first placed on the market or put into service,
    # and whether its design changed significantly since (Art. 111(2)).
    placed_on_market_on: datetime.date | None = None
    significant_design_change: bool = False
    # Art. 26(10): post-remote biometric identification in a criminal investigation.
    post_remote_biometric_identification: bool = False
    # Art. 53: the organisation fine-tunes a general-purpose AI model and gives it to others.
    provides_general_purpose_model: bool = False
    # How the decision tree was answered (governance.risk.tree), not facts of the system: the
    # questions answered "weiß nicht", and the questions answered at all. None means every
    # question counts as answered, as the one-page questionnaire before rule set 2026.3 stored it.
    unknown: frozenset[str] = frozenset()
    answered: frozenset[str] | None = None


FACT_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in fields(Facts))
# The fields that record how the tree was answered, and those filled from the organisation.
TREE_FIELDS: Final[frozenset[str]] = frozenset({"unknown", "answered"})
ORGANISATION_FIELDS: Final[frozenset[str]] = frozenset({"deployer_legal_form"})
# The facts a person answers, by question id (governance.risk.questions uses the same ids).
QUESTION_FIELDS: Final[tuple[str, ...]] = tuple(
    name for name in FACT_FIELDS if name not in TREE_FIELDS | ORGANISATION_FIELDS
)


class FactsError(ValueError):
    """The raw facts could not be parsed; `errors` maps each offending field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


# Key for errors that concern the input as a whole, named as DRF names them.
NON_FIELD_ERRORS: Final = "non_field_errors"

_BOOL_FIELDS: Final[frozenset[str]] = frozenset(
    f.name for f in fields(Facts) if isinstance(f.default, bool)
)
_CHOICE_FIELDS: Final[dict[str, tuple[tuple[str, ...], bool]]] = {
    # field: (allowed values, whether null is allowed)
    "excluded": (EXCLUSIONS, True),
    "role": (ROLES, False),
    "deployer_legal_form": (LEGAL_FORMS, False),
}
_DATE_FIELDS: Final[frozenset[str]] = frozenset({"placed_on_market_on"})
_MULTI_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "prohibited_practices": PROHIBITED_PRACTICES,
    "annex_iii_points": ANNEX_III_POINTS,
    "art_6_3_conditions": ART_6_3_CONDITIONS,
    "unknown": QUESTION_FIELDS,
}
# Lists that may also be null (see Facts.answered).
_NULLABLE_MULTI_FIELDS: Final[dict[str, tuple[str, ...]]] = {"answered": QUESTION_FIELDS}


def _show(value: object) -> str:
    """Render a submitted value for an error message the way the submitter wrote it."""
    if isinstance(value, str):
        return f"„{value}“"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _parse_field(key: str, value: object) -> Any:
    """Return the parsed value of one known field or raise ValueError with a German message."""
    if key in _DATE_FIELDS:
        if value is None:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            if not isinstance(value, str):
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                gettext("„%(field)s“ muss null oder ein Datum wie 2026-12-01 sein.")
                % {"field": key}
            ) from None
    if key in _BOOL_FIELDS:
        # Strict on purpose: "true", 1 or null would hide a client bug behind a wrong class.
        if not isinstance(value, bool):
            raise ValueError(gettext("„%(field)s“ muss true oder false sein.") % {"field": key})
        return value
    if key in _CHOICE_FIELDS:
        allowed, nullable = _CHOICE_FIELDS[key]
        if value is None and nullable:
            return None
        if not isinstance(value, str) or value not in allowed:
            message = (
                gettext("„%(field)s“ muss null oder einer dieser Werte sein: %(allowed)s.")
                if nullable
                else gettext("„%(field)s“ muss einer dieser Werte sein: %(allowed)s.")
            )
            raise ValueError(message % {"field": key, "allowed": ", ".join(allowed)})
        return value
    if key in _NULLABLE_MULTI_FIELDS:
        if value is None:
            return None
        allowed = _NULLABLE_MULTI_FIELDS[key]
    else:
        allowed = _MULTI_FIELDS[key]
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValueError(gettext("„%(field)s“ muss eine Liste sein.") % {"field": key})
    unknown = [item for item in value if not isinstance(item, str) or item not in allowed]
    if unknown:
        raise ValueError(
            gettext("„%(field)s“ enthält unbekannte Werte: %(values)s. Erlaubt: %(allowed)s.")
            % {
                "field": key,
                "values": ", ".join(_show(item) for item in unknown),
                "allowed": ", ".join(allowed),
            }
        )
    return frozenset(value)


def parse_facts(raw: Mapping[str, object]) -> Facts:
    """Parse raw answers strictly into Facts; FactsError names every unknown or invalid field."""
    if not isinstance(raw, Mapping):
        raise FactsError({NON_FIELD_ERRORS: gettext("Die Angaben müssen ein JSON-Objekt sein.")})
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in FACT_FIELDS:
            errors[str(key)] = gettext("Unbekanntes Feld „%(field)s“.") % {"field": key}
            continue
        try:
            parsed[key] = _parse_field(key, value)
        except ValueError as error:
            errors[key] = str(error)
    if errors:
        raise FactsError(errors)
    return Facts(**parsed)


_SIDES: Final[dict[Role, frozenset[Side]]] = {
    "deployer": frozenset({"deployer"}),
    "provider": frozenset({"provider"}),
    "provider_and_deployer": frozenset({"provider", "deployer"}),
    "importer": frozenset({"importer"}),
    "distributor": frozenset({"distributor"}),
}
# Art. 5(1)(h) prohibits the *use* of real-time remote biometric identification for law
# enforcement; its supply stays lawful and is high-risk under Annex III point 1.
USE_ONLY_PRACTICES: Final[frozenset[ProhibitedPractice]] = frozenset({"5_1_h"})


@dataclass(frozen=True)
class Situation:
    """What the facts mean legally, with everything below a prohibition already switched off."""

    facts: Facts
    sides: frozenset[Side]
    prohibited: frozenset[ProhibitedPractice]
    # The Annex III points the system falls under, including those its biometric facts imply.
    annex_iii_points: frozenset[AnnexIIIPoint]
    annex_i: bool
    # Annex I Section B: high-risk by Art. 6(1), but only Art. 6(1), 102-109 and 112 apply.
    annex_i_b: bool
    # Annex III points that make the system high-risk (empty when Art. 6(3) lifts them).
    high_risk_points: frozenset[AnnexIIIPoint]
    derogated: bool
    profiling_overrides_derogation: bool
    repurposed: bool
    supplies_use_only_practice: bool
    interacts: bool
    synthetic: bool
    emotion_or_biometric: bool
    deep_fake: bool
    public_interest_text: bool

    @classmethod
    def of(cls, facts: Facts) -> "Situation":
        """Derive the legal situation of an in-scope AI system from its facts."""
        sides = _SIDES[facts.role]
        prohibited = facts.prohibited_practices
        annex_iii = set(facts.annex_iii_points)
        if "deployer" not in sides and prohibited & USE_ONLY_PRACTICES:
            prohibited = prohibited - USE_ONLY_PRACTICES
            annex_iii.add("1")
        # Annex III 1(a)-(c): remote identification, sensitive categorisation, emotions.
        if (
            facts.emotion_recognition
            or facts.biometric_categorisation_sensitive
            or facts.post_remote_biometric_identification
        ):
            annex_iii.add("1")
        points = frozenset(annex_iii)
        # A prohibited system may be neither placed on the market, put into service nor used
        # (Art. 5(1)), so no duty that presupposes its lawful operation is derived for it.
        allowed = not prohibited
        # Art. 6(3): the derogations count only once the opening condition is affirmed.
        claims_derogation = bool(
            points and facts.art_6_3_no_significant_risk and facts.art_6_3_conditions
        )
        # Art. 6(3) third subparagraph: profiling of natural persons is always high-risk.
        derogated = claims_derogation and not facts.profiles_natural_persons
        high_risk_points = points if allowed and not derogated else frozenset()
        # Art. 25(1)(c): whoever puts a general-purpose system to a high-risk use becomes its
        # provider, whatever role was picked.
        repurposed = bool(high_risk_points) and facts.general_purpose_system_put_to_high_risk_use
        if repurposed:
            sides = sides | {"provider"}
        return cls(
            facts=facts,
            sides=sides,
            prohibited=prohibited,
            annex_iii_points=points,
            annex_i=allowed and facts.annex_i_safety_component,
            annex_i_b=allowed and facts.annex_i_section_b and not facts.annex_i_safety_component,
            high_risk_points=high_risk_points,
            derogated=allowed and derogated,
            profiling_overrides_derogation=(
                allowed and claims_derogation and facts.profiles_natural_persons
            ),
            repurposed=allowed and repurposed,
            supplies_use_only_practice=(
                "deployer" not in _SIDES[facts.role]
                and bool(facts.prohibited_practices & USE_ONLY_PRACTICES)
            ),
            interacts=allowed and facts.interacts_with_natural_persons,
            # Deep fakes and AI-written texts are synthetic content by definition, so their
            # provider owes the Art. 50(2) marking even when the generic answer was left "no".
            synthetic=allowed
            and (
                facts.generates_synthetic_content
                or facts.deep_fake
                or facts.public_interest_text_without_editorial_review
            ),
            emotion_or_biometric=allowed
            and (
                facts.emotion_recognition_or_biometric_categorisation
                or facts.emotion_recognition
                or facts.biometric_categorisation_sensitive
            ),
            deep_fake=allowed and facts.deep_fake,
            public_interest_text=allowed and facts.public_interest_text_without_editorial_review,
        )

    @property
    def provides(self) -> bool:
        """Whether the organisation acts as provider."""
        return "provider" in self.sides

    @property
    def deploys(self) -> bool:
        """Whether the organisation acts as deployer."""
        return "deployer" in self.sides

    @property
    def high_risk(self) -> bool:
        """Whether the system is high-risk under Art. 6(1) or 6(2)."""
        return self.annex_i or bool(self.high_risk_points)

    @property
    def owes_fria(self) -> bool:
        """Art. 27(1): public-law deployers and private ones providing public services, and
        every deployer of an Annex III 5(b) or 5(c) system."""
        return self.deploys and (
            (bool(self.eu_database_points) and self.facts.deployer_legal_form in FRIA_LEGAL_FORMS)
            or bool(self.high_risk_points & {"5b", "5c"})
        )

    @property
    def registers_as_deployer(self) -> bool:
        """Art. 26(8), 49(3): only deployers that are public authorities register their use."""
        return (
            self.deploys
            and bool(self.eu_database_points)
            and self.facts.deployer_legal_form in PUBLIC_AUTHORITY_FORMS
        )

    @property
    def high_risk_route(self) -> Route:
        """Which Chapter III date governs the high-risk duties (Annex III before Annex I)."""
        if self.high_risk_points or self.derogated:
            return "high_risk_annex_iii"
        return "high_risk_annex_i"

    @property
    def for_public_authorities(self) -> bool:
        """Whether the system is used by a public authority (Art. 111(2) second sentence)."""
        return self.facts.deployer_legal_form in PUBLIC_LAW_FORMS

    @property
    def legacy(self) -> bool:
        """Art. 111(2): in use before the Chapter III date, its design unchanged since."""
        placed = self.facts.placed_on_market_on
        start = APPLICATION_DATES[self.high_risk_route].applies_from
        return (
            placed is not None
            and start is not None
            and placed < start
            and not self.facts.significant_design_change
        )

    @property
    def eu_database_points(self) -> frozenset[AnnexIIIPoint]:
        """High-risk Annex III points that the EU database takes, i.e. all but point 2."""
        return self.high_risk_points - {CRITICAL_INFRASTRUCTURE}

    @property
    def transparency(self) -> bool:
        """Whether any Art. 50 situation applies, whoever carries the duty."""
        return (
            self.interacts
            or self.synthetic
            or self.emotion_or_biometric
            or self.deep_fake
            or self.public_interest_text
        )

    @property
    def risk_class(self) -> RiskClass:
        """Return the highest applicable risk class."""
        if self.prohibited:
            return "prohibited"
        if self.high_risk or self.annex_i_b:
            return "high_risk"
        if self.transparency:
            return "transparency"
        return "minimal"


@dataclass(frozen=True)
class Rule:
    """One legal consequence: when it applies, it gives a reason and possibly an obligation."""

    article: str
    applies: Callable[[Situation], bool]
    # Lazy, so that each classification speaks the language active when it runs.
    text: str | Promise
    obligation: Obligation | None = None


def _uses_practice(practice: ProhibitedPractice) -> Callable[[Situation], bool]:
    return lambda s: practice in s.prohibited


def _in_high_risk_area(point: AnnexIIIPoint) -> Callable[[Situation], bool]:
    return lambda s: point in s.high_risk_points


def _practice_rules() -> Iterable[Rule]:
    for practice, label in PROHIBITED_PRACTICE_LABELS.items():
        yield Rule(
            article=f"Art. 5 Abs. 1 lit. {practice.split('_')[-1]} KI-VO",
            applies=_uses_practice(practice),
            text=format_lazy(_("Verbotene Praxis: {practice}."), practice=label),
        )


def _annex_iii_rules() -> Iterable[Rule]:
    for point, label in ANNEX_III_LABELS.items():
        yield Rule(
            article=f"Art. 6 Abs. 2 i. V. m. {_annex_iii_citation(point)} KI-VO",
            applies=_in_high_risk_area(point),
            text=format_lazy(_("Hochrisiko-Bereich nach Anhang III: {area}."), area=label),
        )


def _registers_non_publicly(s: Situation) -> bool:
    # Art. 49(4) covers the registrations of paragraphs 1 to 3, the provider's Art. 49(2) one too.
    registered_points = s.eu_database_points
    if s.derogated and s.provides:
        registered_points = s.annex_iii_points
    return bool(registered_points & NON_PUBLIC_REGISTRATION_POINTS)


# Evaluated in order; the order is the order of the reasons a reader sees: what the system is,
# then what follows from it for the organisation's role.
RULES: Final[tuple[Rule, ...]] = (
    *_practice_rules(),
    Rule(
        "Art. 5 Abs. 1 KI-VO",
        lambda s: bool(s.prohibited),
        _(
            "Das System darf weder in Verkehr gebracht noch in Betrieb genommen oder verwendet "
            "werden; weitere Pflichten werden deshalb nicht ermittelt."
        ),
        "art_5_prohibited",
    ),
    Rule(
        "Art. 5 Abs. 1 lit. h KI-VO",
        lambda s: s.supplies_use_only_practice,
        _(
            "Verboten ist die Verwendung biometrischer Echtzeit-Fernidentifizierung zur "
            "Strafverfolgung, nicht ihr Inverkehrbringen: Wer das System nur anbietet, bringt "
            "ein Hochrisiko-System nach Anhang III Nr. 1 in Verkehr."
        ),
    ),
    Rule(
        "Art. 6 Abs. 1, Art. 2 Abs. 2 i. V. m. Anhang I Abschnitt B KI-VO",
        lambda s: s.annex_i_b,
        _(
            "Das System ist Sicherheitsbauteil eines Produkts nach Anhang I Abschnitt B (etwa "
            "einer Maschine): Es ist hochriskant, doch von der KI-Verordnung gelten nur Art. 6 "
            "Abs. 1, Art. 102 bis 109 und 112; die Anforderungen kommen über das Produktrecht."
        ),
    ),
    Rule(
        "Art. 6 Abs. 1 i. V. m. Anhang I KI-VO",
        lambda s: s.annex_i,
        _(
            "Das System ist Sicherheitsbauteil eines Produkts nach Anhang I (oder selbst ein "
            "solches Produkt), das von Dritten auf Konformität geprüft werden muss: Es ist "
            "hochriskant."
        ),
    ),
    *_annex_iii_rules(),
    Rule(
        "Art. 6 Abs. 3 UAbs. 1 KI-VO",
        lambda s: (
            bool(s.high_risk_points)
            and bool(s.facts.art_6_3_conditions)
            and not s.facts.art_6_3_no_significant_risk
        ),
        _(
            "Die Ausnahmen nach Art. 6 Abs. 3 UAbs. 2 zählen erst, wenn feststeht, dass das "
            "System kein erhebliches Risiko birgt und das Ergebnis von Entscheidungen nicht "
            "wesentlich beeinflusst; das ist nicht bestätigt, das System bleibt hochriskant."
        ),
    ),
    Rule(
        "Art. 25 Abs. 1 lit. c KI-VO",
        lambda s: s.repurposed,
        _(
            "Ein KI-System mit allgemeinem Verwendungszweck wird für einen Zweck nach Anhang III "
            "eingesetzt: Damit wird die Organisation Anbieter dieses Hochrisiko-Systems, "
            "unabhängig von der angegebenen Rolle."
        ),
    ),
    Rule(
        "Art. 6 Abs. 3 KI-VO",
        lambda s: s.profiling_overrides_derogation,
        _(
            "Die Ausnahme für Anhang-III-Systeme greift nicht, weil das System Profiling "
            "natürlicher Personen betreibt; solche Systeme gelten immer als hochriskant."
        ),
    ),
    Rule(
        "Art. 6 Abs. 3 KI-VO",
        lambda s: s.derogated,
        _(
            "Das System fällt unter Anhang III, erfüllt aber eine Ausnahmebedingung und betreibt "
            "kein Profiling: Es gilt nicht als hochriskant."
        ),
    ),
    Rule(
        "Art. 6 Abs. 4 KI-VO",
        lambda s: s.derogated and s.provides,
        _(
            "Als Anbieter muss die Bewertung, dass das System nicht hochriskant ist, vor dem "
            "Inverkehrbringen oder der Inbetriebnahme dokumentiert werden."
        ),
        "art_6_4_documentation",
    ),
    Rule(
        "Art. 49 Abs. 2 KI-VO",
        lambda s: s.derogated and s.provides,
        _(
            "Als Anbieter müssen auch ein nach Art. 6 Abs. 3 nicht hochriskantes System und der "
            "Anbieter selbst in der EU-Datenbank registriert werden."
        ),
        "art_49_registration",
    ),
    Rule(
        "Art. 6 Abs. 4 KI-VO",
        lambda s: s.derogated and not s.provides,
        _(
            "Die Bewertung dokumentiert und registriert der Anbieter (Art. 6 Abs. 4, "
            "Art. 49 Abs. 2); als Betreiber entstehen keine Hochrisiko-Pflichten. Die "
            "Dokumentation sollte beim Anbieter angefordert werden."
        ),
    ),
    Rule(
        "Art. 16 KI-VO",
        lambda s: s.high_risk and s.provides,
        _(
            "Als Anbieter eines Hochrisiko-Systems gelten die Anbieterpflichten: Anforderungen "
            "nach Art. 8 bis 15, Qualitätsmanagement, technische Dokumentation, "
            "Konformitätsbewertung, CE-Kennzeichnung."
        ),
        "art_16_provider_obligations",
    ),
    Rule(
        "Art. 49 Abs. 1 KI-VO",
        lambda s: bool(s.eu_database_points) and s.provides,
        _(
            "Als Anbieter müssen das Hochrisiko-System und der Anbieter vor dem Inverkehrbringen "
            "oder der Inbetriebnahme in der EU-Datenbank registriert werden."
        ),
        "art_49_registration",
    ),
    Rule(
        "Art. 49 Abs. 5 KI-VO",
        lambda s: CRITICAL_INFRASTRUCTURE in s.high_risk_points and s.provides,
        _(
            "Hochrisiko-Systeme der kritischen Infrastruktur werden nicht in der EU-Datenbank, "
            "sondern auf nationaler Ebene registriert; das obliegt dem Anbieter."
        ),
        "art_49_registration",
    ),
    Rule(
        "Art. 23 KI-VO",
        lambda s: s.high_risk and "importer" in s.sides,
        _(
            "Als Einführer eines Hochrisiko-Systems: vor dem Inverkehrbringen prüfen, dass "
            "Konformitätsbewertung, technische Dokumentation, CE-Kennzeichnung und "
            "Bevollmächtigter vorliegen; Name und Anschrift angeben; Unterlagen zehn Jahre "
            "aufbewahren."
        ),
        "art_23_importer_obligations",
    ),
    Rule(
        "Art. 24 KI-VO",
        lambda s: s.high_risk and "distributor" in s.sides,
        _(
            "Als Händler eines Hochrisiko-Systems: vor der Bereitstellung CE-Kennzeichnung, "
            "Konformitätserklärung und Betriebsanleitung prüfen; ein nicht konformes System "
            "nicht weitergeben und Anbieter oder Einführer informieren."
        ),
        "art_24_distributor_obligations",
    ),
    Rule(
        "Art. 26 KI-VO",
        lambda s: s.high_risk and s.deploys,
        _(
            "Als Betreiber eines Hochrisiko-Systems: Verwendung nach Betriebsanleitung, "
            "menschliche Aufsicht durch befähigte Personen, relevante Eingabedaten, Überwachung "
            "des Betriebs, Protokolle mindestens sechs Monate aufbewahren, "
            "Beschäftigtenvertretung und betroffene Personen informieren, schwerwiegende Vorfälle "
            "melden."
        ),
        "art_26_deployer_obligations",
    ),
    Rule(
        "Art. 26 Abs. 10 KI-VO",
        lambda s: s.deploys and not s.prohibited and s.facts.post_remote_biometric_identification,
        _(
            "Nachträgliche biometrische Fernidentifizierung zur Verfolgung von Straftaten: vorher "
            "oder binnen 48 Stunden eine Genehmigung einer Justiz- oder Verwaltungsbehörde "
            "beantragen, jede Verwendung dokumentieren und jährlich berichten."
        ),
        "art_26_10_post_remote_biometric_identification",
    ),
    Rule(
        "Art. 26 Abs. 11 KI-VO",
        lambda s: s.deploys and bool(s.high_risk_points),
        _(
            "Wer ein Hochrisiko-System nach Anhang III einsetzt, das Entscheidungen über Menschen "
            "trifft oder dabei hilft, informiert die betroffenen Menschen, dass es eingesetzt wird."
        ),
        "art_26_11_inform_affected_persons",
    ),
    Rule(
        "Art. 86 KI-VO",
        lambda s: s.deploys and bool(s.high_risk_points - {CRITICAL_INFRASTRUCTURE}),
        _(
            "Betroffene einer Entscheidung, die auf dem Ergebnis des Systems beruht und sie "
            "erheblich beeinträchtigt, haben ein Recht auf eine klare und aussagekräftige "
            "Erläuterung der Rolle des Systems; der Betreiber muss sie geben können."
        ),
        "art_86_explanation",
    ),
    Rule(
        "Art. 27 Abs. 1 KI-VO",
        lambda s: s.owes_fria,
        _(
            "Als öffentliche Stelle muss vor der ersten Verwendung eines Hochrisiko-Systems nach "
            "Anhang III eine Grundrechte-Folgenabschätzung durchgeführt und der "
            "Marktüberwachungsbehörde mitgeteilt werden."
        ),
        "art_27_fria",
    ),
    Rule(
        "Art. 27 Abs. 1 KI-VO",
        lambda s: bool(s.eu_database_points) and s.deploys and not s.owes_fria,
        _(
            "Eine Grundrechte-Folgenabschätzung schulden nur Einrichtungen des öffentlichen Rechts "
            "und private Einrichtungen, die öffentliche Dienste erbringen; für die angegebene "
            "Rechtsform entfällt sie."
        ),
    ),
    Rule(
        "Art. 26 Abs. 8, Art. 49 Abs. 3 KI-VO",
        lambda s: bool(s.eu_database_points) and s.deploys and not s.registers_as_deployer,
        _(
            "Als Betreiber registrieren sich nur Behörden und wer in ihrem Auftrag handelt; für "
            "die angegebene Rechtsform entfällt die Registrierung der Verwendung."
        ),
    ),
    Rule(
        "Art. 111 Abs. 2 KI-VO",
        lambda s: s.high_risk and s.legacy and s.for_public_authorities,
        _(
            "Das System war vor dem Geltungsbeginn der Hochrisiko-Pflichten in Verkehr oder in "
            "Betrieb und wurde seitdem nicht wesentlich geändert: Für Systeme, die Behörden "
            "verwenden, gelten die Pflichten spätestens ab dem 2. August 2030."
        ),
    ),
    Rule(
        "Art. 111 Abs. 2 KI-VO",
        lambda s: (s.high_risk and s.legacy and not s.for_public_authorities),
        _(
            "Das System war vor dem Geltungsbeginn der Hochrisiko-Pflichten in Verkehr oder in "
            "Betrieb und wurde seitdem nicht wesentlich geändert: Die Hochrisiko-Pflichten gelten "
            "erst, wenn sich sein Design wesentlich ändert."
        ),
    ),
    Rule(
        "Art. 49 Abs. 3 KI-VO",
        lambda s: s.registers_as_deployer,
        _(
            "Als Behörde muss sich der Betreiber vor der Inbetriebnahme oder Verwendung in der "
            "EU-Datenbank registrieren, das System auswählen und seine Verwendung eintragen."
        ),
        "art_49_registration",
    ),
    Rule(
        "Art. 27 Abs. 1, Art. 49 Abs. 3 KI-VO",
        lambda s: (
            CRITICAL_INFRASTRUCTURE in s.high_risk_points and not s.eu_database_points and s.deploys
        ),
        _(
            "Für kritische Infrastruktur (Anhang III Nr. 2) braucht der Betreiber weder eine "
            "Grundrechte-Folgenabschätzung noch eine Registrierung in der EU-Datenbank."
        ),
    ),
    Rule(
        "Art. 27 Abs. 1, Art. 49 KI-VO",
        lambda s: s.annex_i and not s.annex_iii_points,
        _(
            "Für Hochrisiko-Systeme allein nach Anhang I gelten weder die "
            "Grundrechte-Folgenabschätzung noch die Registrierung in der EU-Datenbank."
        ),
    ),
    Rule(
        "Art. 49 Abs. 4 KI-VO",
        _registers_non_publicly,
        _(
            "Systeme aus den Bereichen Biometrie, Strafverfolgung oder Migration werden im "
            "nicht öffentlichen Teil der EU-Datenbank registriert."
        ),
    ),
    Rule(
        "Art. 50 Abs. 1 KI-VO",
        lambda s: s.interacts and s.provides,
        _(
            "Als Anbieter muss das System so gestaltet sein, dass Menschen erfahren, dass sie mit "
            "einem KI-System interagieren, sofern das nicht offensichtlich ist."
        ),
        "art_50_1",
    ),
    Rule(
        "Art. 50 Abs. 1 KI-VO",
        lambda s: s.interacts and not s.provides,
        _(
            "Das System interagiert mit Menschen. Den Hinweis darauf muss der Anbieter in das "
            "System einbauen; als Betreiber sollte geprüft werden, dass er vorhanden ist."
        ),
    ),
    Rule(
        "Art. 50 Abs. 2 KI-VO",
        lambda s: s.synthetic and s.provides,
        _(
            "Als Anbieter müssen erzeugte Audio-, Bild-, Video- oder Textinhalte maschinenlesbar "
            "als künstlich erzeugt oder verändert gekennzeichnet werden."
        ),
        "art_50_2",
    ),
    Rule(
        "Art. 50 Abs. 2 KI-VO",
        lambda s: s.synthetic and not s.provides,
        _(
            "Das System erzeugt synthetische Inhalte. Die maschinenlesbare Kennzeichnung schuldet "
            "der Anbieter, nicht der Betreiber."
        ),
    ),
    Rule(
        "Art. 50 Abs. 3 KI-VO",
        lambda s: s.emotion_or_biometric and s.deploys,
        _(
            "Als Betreiber eines Systems zur Emotionserkennung oder biometrischen Kategorisierung "
            "müssen die betroffenen Menschen über dessen Betrieb informiert werden."
        ),
        "art_50_3",
    ),
    Rule(
        "Art. 50 Abs. 3 KI-VO",
        lambda s: s.emotion_or_biometric and not s.deploys,
        _(
            "Das System erkennt Emotionen oder kategorisiert biometrisch. Betroffene informiert "
            "der Betreiber, nicht der Anbieter."
        ),
    ),
    # Both questions ask what the organisation itself publishes: that use makes it the deployer
    # for these contents (Art. 3 Nr. 4) whichever role it picked for the system as a whole.
    Rule(
        "Art. 50 Abs. 4 UAbs. 1 KI-VO",
        lambda s: s.deep_fake,
        _(
            "Ihre Organisation veröffentlicht mit dem System Bild-, Ton- oder Videoinhalte, die "
            "echt wirken (Deepfake): Sie muss offenlegen, dass sie künstlich erzeugt oder "
            "verändert wurden."
        ),
        "art_50_4",
    ),
    Rule(
        "Art. 50 Abs. 4 UAbs. 2 KI-VO",
        lambda s: s.public_interest_text,
        _(
            "Ihre Organisation veröffentlicht KI-generierte Texte zur Information der "
            "Öffentlichkeit über Angelegenheiten von öffentlichem Interesse ohne redaktionelle "
            "Prüfung und Verantwortung: Sie muss offenlegen, dass sie KI-generiert sind."
        ),
        "art_50_4",
    ),
    Rule(
        "Art. 53 KI-VO",
        lambda s: not s.prohibited and s.facts.provides_general_purpose_model,
        _(
            "Wer ein KI-Modell mit allgemeinem Verwendungszweck (auch ein nachtrainiertes) "
            "anderen bereitstellt, ist dessen Anbieter: technische Dokumentation, Informationen "
            "für nachgelagerte Anbieter, Urheberrechtsstrategie und Zusammenfassung der "
            "Trainingsdaten."
        ),
        "art_53_gpai_model_provider",
    ),
    Rule(
        "Art. 95 KI-VO",
        lambda s: s.risk_class == "minimal",
        _(
            "Keine verbotene Praxis, kein Hochrisiko-System und keine Transparenzpflicht: "
            "minimales Risiko. Freiwillige Verhaltenskodizes sind möglich."
        ),
    ),
    # Art. 4 applies to every provider and deployer of an AI system, whatever its risk class; a
    # prohibited system may not be operated at all, so no literacy duty is derived for it.
    Rule(
        "Art. 4 KI-VO i. d. F. Art. 1 Nr. 5 VO (EU) 2026/1744",
        lambda s: not s.prohibited,
        _(
            "Anbieter und Betreiber ergreifen Maßnahmen, um die KI-Kompetenz des Personals zu "
            "fördern, das mit dem System arbeitet; ein bestimmtes Kompetenzniveau schuldet die "
            "Verordnung nicht. Die Pflicht gilt einmal für die ganze Organisation."
        ),
        "art_4_ai_literacy",
    ),
)

_NOT_AI_SYSTEM: Final = _(
    "Kein KI-System im Sinne der KI-Verordnung (etwa ein regelbasiertes Verfahren): Die "
    "Verordnung gilt nicht. Der Anwendungsfall gehört dennoch ins Register."
)
_EXCLUDED: Final = _("Die KI-Verordnung gilt nicht, weil das System {exclusion} eingesetzt wird.")


@dataclass(frozen=True)
class Reason:
    """One legal reason behind a classification: the provision and a plain sentence."""

    article: str
    text: str


@dataclass(frozen=True)
class Timing:
    """From when one obligation applies, by which route, and the provision that says so."""

    obligation: Obligation
    route: Route
    applies_from: datetime.date | None
    source: str

    def state_on(self, on: datetime.date) -> tuple[TimingState, int | None]:
        """In force, coming (with days left) or not applicable on the given day."""
        return state_on(self.applies_from, on)


@dataclass(frozen=True)
class Classification:
    """The result: risk class, the role's obligations (sorted) and the reasons for both."""

    risk_class: RiskClass
    obligations: tuple[Obligation, ...]
    reasons: tuple[Reason, ...]
    rule_set_version: str = field(default=RULE_SET_VERSION)
    # One entry per obligation, in the same order.
    timeline: tuple[Timing, ...] = ()


HIGH_RISK_OBLIGATIONS: Final[frozenset[Obligation]] = frozenset(
    {
        "art_6_4_documentation",
        "art_16_provider_obligations",
        "art_23_importer_obligations",
        "art_24_distributor_obligations",
        "art_26_deployer_obligations",
        "art_26_10_post_remote_biometric_identification",
        "art_26_11_inform_affected_persons",
        "art_27_fria",
        "art_49_registration",
        "art_86_explanation",
    }
)


def _route(obligation: Obligation, s: Situation) -> Route:
    """The route that decides from when an obligation applies (governance.risk.dates)."""
    if obligation == "art_4_ai_literacy":
        return "chapter_i_ii"
    if obligation == "art_5_prohibited":
        # The earliest applicable prohibition decides: points (a)-(h) have applied since 2025.
        return "art_5_amended" if s.prohibited <= AMENDED_PRACTICES else "chapter_i_ii"
    if obligation == "art_53_gpai_model_provider":
        return "gpai_models"
    if obligation == "art_50_2":
        placed = s.facts.placed_on_market_on
        if placed is not None and ART_50_DATE is not None and placed < ART_50_DATE:
            return "art_50_2_legacy"
        return "art_50"
    if obligation.startswith("art_50"):
        return "art_50"
    if obligation in HIGH_RISK_OBLIGATIONS and s.legacy:
        return "legacy_public_authority" if s.for_public_authorities else "legacy_unchanged"
    return s.high_risk_route


def _timing(obligation: Obligation, s: Situation) -> Timing:
    route = _route(obligation, s)
    return Timing(obligation, route, APPLICATION_DATES[route].applies_from, citation(route))


def classify(facts: Facts | Mapping[str, object]) -> Classification:
    """Classify an AI use case under the EU AI Act; raw mappings are parsed with parse_facts.

    The answers are read as given; governance.risk.tree.classify first settles skipped, open
    ("weiß nicht") and unanswered questions, and is what governance.risk exports.
    """
    if not isinstance(facts, Facts):
        facts = parse_facts(facts)
    if not facts.is_ai_system:
        return Classification(
            "out_of_scope", (), (Reason("Art. 3 Nr. 1 KI-VO", str(_NOT_AI_SYSTEM)),)
        )
    if facts.excluded is not None:
        text = str(format_lazy(_EXCLUDED, exclusion=EXCLUSION_LABELS[facts.excluded]))
        return Classification(
            "out_of_scope", (), (Reason(EXCLUSION_ARTICLES[facts.excluded], text),)
        )
    situation = Situation.of(facts)
    applying = [rule for rule in RULES if rule.applies(situation)]
    obligations = tuple(sorted({r.obligation for r in applying if r.obligation is not None}))
    return Classification(
        risk_class=situation.risk_class,
        obligations=obligations,
        reasons=tuple(Reason(rule.article, str(rule.text)) for rule in applying),
        timeline=tuple(_timing(obligation, situation) for obligation in obligations),
    )


# What a stored classification keeps of each obligation's timing (its state depends on the day).
_STORED_TIMING: Final = frozenset({"obligation", "route", "applies_from", "source"})


def timing_json(timing: Timing, on: datetime.date) -> dict[str, object]:
    """One obligation's date of application and its state on the reference day, as JSON."""
    state, days_left = timing.state_on(on)
    return {
        "obligation": timing.obligation,
        "route": timing.route,
        "applies_from": timing.applies_from.isoformat() if timing.applies_from else None,
        "source": timing.source,
        "state": state,
        "days_left": days_left,
    }


def to_json(
    classification: Classification, *, on: datetime.date | None = None
) -> dict[str, object]:
    """Return the classification as the JSON object the API and the command emit.

    With a reference day `on`, each obligation's date also carries its state on that day.
    """
    result: dict[str, object] = {
        "risk_class": classification.risk_class,
        "obligations": list(classification.obligations),
        "reasons": [
            {"article": reason.article, "text": reason.text} for reason in classification.reasons
        ],
        "rule_set_version": classification.rule_set_version,
    }
    if on is not None:
        result["reference_date"] = on.isoformat()
        result["timeline"] = [timing_json(t, on) for t in classification.timeline]
    else:
        result["timeline"] = [
            {k: v for k, v in timing_json(t, datetime.date.min).items() if k in _STORED_TIMING}
            for t in classification.timeline
        ]
    return result
