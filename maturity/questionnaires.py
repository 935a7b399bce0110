"""The two maturity questionnaires, kept as data with their sources: nothing else knows a question.

1. **Readiness of an organisation for AI** (`READINESS_*`): the four dimensions of the document
   the project grew from (digitale Grundlagen, Prozessklarheit, Datenverfügbarkeit,
   organisatorische Zuständigkeiten), each asked as statements on a five-step scale, plus the
   governance basics the register computes by itself (`GOVERNANCE_BASICS`), never asked.
2. **OZG maturity of an administrative service** (`SERVICE_*`), by LeiKa key, along the federal
   OZG-Reifegradmodell 2.0 (July 2025): levels 0–7 over 13 criteria. The model's own document
   could not be retrieved while this table was written; what is known and from where is said in
   `SERVICE_MODEL_SOURCE` and in each criterion's `wording_source_note`. Where the criterion's
   name in version 2.0 is not known, the row says so and the register does not ask it.

A change of a question, a level text or a rule is a new `*_VERSION`; stored assessments keep
the version they were answered under and are shown with it. Never reuse a key for a new meaning.
"""

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# 2026.1: first version (issue 17).
READINESS_VERSION: Final = "2026.1"
SERVICE_VERSION: Final = "2026.1"

SEED_SOURCE: Final = (
    "flott.ai, „KI in Kommunen erfolgreich implementieren: Strategie, Architektur und Umsetzung "
    "bis 2027“, Abschnitt 1 „Standortbestimmung entlang des Reifegradmodells 2.0“"
)

# -- readiness of the organisation --------------------------------------------------------------

READINESS_MAX_LEVEL: Final = 4

# The five steps every readiness statement is answered on. The organisation's level in a
# dimension is its weakest answer there (as in the OZG model, the lowest criterion decides).
READINESS_SCALE: Final[tuple[tuple[int, Promise], ...]] = (
    (0, _("0 – nicht vorhanden")),
    (1, _("1 – erste Ansätze, nicht verbindlich")),
    (2, _("2 – in Teilen der Verwaltung umgesetzt")),
    (3, _("3 – weitgehend umgesetzt und dokumentiert")),
    (4, _("4 – flächendeckend umgesetzt und regelmäßig überprüft")),
)


@dataclass(frozen=True)
class Dimension:
    """One dimension of the organisation's readiness."""

    key: str
    label: Promise
    source: str
    # Computed from the register, never asked.
    derived: bool = False


@dataclass(frozen=True)
class ReadinessQuestion:
    """One statement of the readiness questionnaire, answered on READINESS_SCALE."""

    key: str
    dimension: str
    text: Promise
    # What the next step up looks like: shown as "what is missing" when this answer holds the
    # dimension back.
    next_step: Promise
    source: str


DIMENSIONS: Final[tuple[Dimension, ...]] = (
    Dimension("digital_foundations", _("Digitale Grundlagen"), SEED_SOURCE),
    Dimension("process_clarity", _("Prozessklarheit"), SEED_SOURCE),
    Dimension("data_availability", _("Datenverfügbarkeit"), SEED_SOURCE),
    Dimension("responsibilities", _("Organisatorische Zuständigkeiten"), SEED_SOURCE),
    Dimension(
        "governance_basics",
        _("Governance-Grundlagen (aus dem Register)"),
        "Art. 4, Art. 26 Abs. 2 KI-VO; Art. 37 DSGVO; § 80 Abs. 1 Nr. 21 BPersVG",
        derived=True,
    ),
)
DIMENSIONS_BY_KEY: Final = {dimension.key: dimension for dimension in DIMENSIONS}
ASKED_DIMENSIONS: Final = tuple(d for d in DIMENSIONS if not d.derived)

READINESS_QUESTIONS: Final[tuple[ReadinessQuestion, ...]] = (
    ReadinessQuestion(
        "e_file",
        "digital_foundations",
        _("Vorgänge werden elektronisch geführt (E-Akte, Dokumentenmanagement)."),
        _("Die E-Akte in allen Fachbereichen mit hohen Fallzahlen einführen."),
        "§ 6 EGovG (Bund) und die E-Government-Gesetze der Länder; " + SEED_SOURCE,
    ),
    ReadinessQuestion(
        "specialist_interfaces",
        "digital_foundations",
        _("Die Fachverfahren haben dokumentierte Schnittstellen (API-First, XÖV-Standards)."),
        _("Für jedes Fachverfahren mit KI-Bezug die Schnittstellen dokumentieren lassen."),
        SEED_SOURCE + ", Abschnitte 3 und 4",
    ),
    ReadinessQuestion(
        "identity_management",
        "digital_foundations",
        _("Alle Beschäftigten melden sich über ein zentrales Identitätsmanagement an."),
        _("Fachverfahren und KI-Dienste an den zentralen Identitätsanbieter anbinden."),
        SEED_SOURCE + ", Abschnitt 5",
    ),
    ReadinessQuestion(
        "process_documentation",
        "process_clarity",
        _("Die Abläufe der Leistungen mit hohen Fallzahlen sind beschrieben (Prozessmodelle)."),
        _("Die Prozesse der fallzahlstärksten Leistungen modellieren (etwa nach FIM)."),
        SEED_SOURCE,
    ),
    ReadinessQuestion(
        "rules_written_down",
        "process_clarity",
        _("Die Entscheidungsregeln dieser Abläufe sind schriftlich festgehalten."),
        _("Prüf- und Entscheidungsregeln je Leistung schriftlich festhalten."),
        SEED_SOURCE + ", Abschnitt 2 („klare Regeln“)",
    ),
    ReadinessQuestion(
        "case_figures",
        "process_clarity",
        _("Fallzahlen und Bearbeitungszeiten werden regelmäßig erhoben."),
        _("Fallzahlen, Bearbeitungszeiten und Rückfragen je Leistung messen."),
        SEED_SOURCE + ", Abschnitt „Was Kommunen gewinnen“",
    ),
    ReadinessQuestion(
        "structured_data",
        "data_availability",
        _("Die Eingangsdaten liegen strukturiert und maschinenlesbar vor."),
        _("Formulare und Eingänge auf strukturierte Daten (XÖV, FIM-Datenfelder) umstellen."),
        SEED_SOURCE + ", Abschnitt 2 („strukturierbare Informationen“)",
    ),
    ReadinessQuestion(
        "register_access",
        "data_availability",
        _("Daten aus Registern werden elektronisch abgerufen statt erneut erfragt (Once-Only)."),
        _("Die Register, die eine Leistung braucht, elektronisch anbinden (Once-Only, NOOTS)."),
        "§ 5 OZG; IDNrG; " + SEED_SOURCE + ", Abschnitt 2",
    ),
    ReadinessQuestion(
        "data_quality",
        "data_availability",
        _("Für die wichtigsten Datenbestände gibt es Verantwortliche und Qualitätsregeln."),
        _("Für jeden Datenbestand eine verantwortliche Stelle und Qualitätsregeln festlegen."),
        SEED_SOURCE,
    ),
    ReadinessQuestion(
        "ai_responsibility",
        "responsibilities",
        _("Eine Stelle ist verbindlich für KI-Vorhaben zuständig (KI-Gremium, Lenkung)."),
        _("Zuständigkeit und Geschäftsordnung des KI-Gremiums beschließen lassen."),
        SEED_SOURCE + ", Abschnitt 6",
    ),
    ReadinessQuestion(
        "it_business_roles",
        "responsibilities",
        _("Die Aufgaben von IT, Organisation und Fachbereichen sind bei KI-Vorhaben geklärt."),
        _("Eine Rollenbeschreibung für IT, Organisation und Fachbereiche abstimmen."),
        SEED_SOURCE + ", Abschnitt „Warum viele Kommunen nicht wissen, wo sie anfangen sollen“",
    ),
    ReadinessQuestion(
        "capacity",
        "responsibilities",
        _("Für Klärung und Einführung stehen Zeit und Personal bereit."),
        _("Stunden oder Stellen für die Einführung im Haushalt einplanen."),
        SEED_SOURCE,
    ),
)
READINESS_QUESTIONS_BY_KEY: Final = {q.key: q for q in READINESS_QUESTIONS}


@dataclass(frozen=True)
class GovernanceBasic:
    """One governance basic the register checks by itself, with its legal source."""

    key: str
    label: Promise
    source: str


# Each is met or not; the derived dimension's level is how many are met, scaled to 0–4
# (governance_level). The use-case items are met when every live use case has the field.
GOVERNANCE_BASICS: Final[tuple[GovernanceBasic, ...]] = (
    GovernanceBasic("board", _("Das KI-Gremium ist besetzt"), SEED_SOURCE + ", Abschnitt 6"),
    GovernanceBasic(
        "dpo", _("Datenschutzbeauftragte/r ist benannt"), "Art. 37 DSGVO; § 5 BDSG / Landesrecht"
    ),
    GovernanceBasic(
        "iso",
        _("Informationssicherheitsbeauftragte/r ist benannt"),
        "BSI IT-Grundschutz, Baustein ISMS.1",
    ),
    GovernanceBasic(
        "staff_council",
        _("Der Personalrat ist im Register beteiligt"),
        "§ 80 Abs. 1 Nr. 21 BPersVG und die Landespersonalvertretungsgesetze",
    ),
    GovernanceBasic(
        "ai_literacy",
        _("Maßnahmen zur KI-Kompetenz sind nachgewiesen"),
        "Art. 4 KI-VO",
    ),
    GovernanceBasic(
        "owner",
        _("Jeder Anwendungsfall hat eine fachlich verantwortliche Stelle"),
        "Art. 26 Abs. 1 KI-VO",
    ),
    GovernanceBasic(
        "oversight",
        _("Jeder Anwendungsfall hat eine geregelte menschliche Aufsicht"),
        "Art. 14, Art. 26 Abs. 2 KI-VO",
    ),
    GovernanceBasic(
        "review_date",
        _("Jeder Anwendungsfall hat einen Überprüfungstermin"),
        "Art. 26 Abs. 5 KI-VO (Überwachung des Betriebs)",
    ),
)


READINESS_LEVEL_RULE: Final = _(
    "Die Stufe einer erfragten Dimension ist die niedrigste Antwort unter ihren Aussagen; die "
    "Stufe der Governance-Grundlagen ist der Anteil der erfüllten Grundlagen auf der Skala 0–4, "
    "abgerundet."
)


def governance_level(met: int) -> int:
    """The derived dimension's level: the share of governance basics met, on 0–4, rounded down."""
    return (met * READINESS_MAX_LEVEL) // len(GOVERNANCE_BASICS)


# -- OZG maturity of a service (Reifegradmodell 2.0) ---------------------------------------------

SERVICE_MAX_LEVEL: Final = 7

SERVICE_MODEL_SOURCE: Final = (
    "OZG-Reifegradmodell 2.0 (Juli 2025, löst Reifegradmodell 1.1 ab): Stufen 0 bis 7 über 13 "
    "Reifegradkriterien; 0–3 Frontend-Digitalisierung (Online-Antragsdienst), 4–6 "
    "Prozessorientierung und Datenzentrierung, 7 vollständig Ende-zu-Ende digital. Einige "
    "Kriterien, vor allem Reifegrad 6, sind erst mit den Basiskomponenten DeutschlandID, "
    "Organisationskonto inkl. Postfächer, NOOTS, Statusmonitor, E-Akte sowie Zahlungs- und "
    "HKR-Systemen erreichbar. Quelle: Land Sachsen-Anhalt, ozg.sachsen-anhalt.de/grundlagen/"
    "reifegradmodell (Stand 02-2026), mit Verweis auf digitale-verwaltung.de (BMI). Das "
    "Dokument des Reifegradmodells 2.0 selbst war nicht abrufbar."
)
SERVICE_LEVEL_RULE_SOURCE: Final = (
    "Reifegradmodell 1.1: „das Kriterium mit der niedrigsten Stufe bestimmt die "
    "Gesamtbewertung“ (OZG-Leitfaden, leitfaden.ozg-umsetzung.de; Land Brandenburg, "
    "ozg.brandenburg.de, 31.05.2023). Dass 2.0 dieselbe Regel anwendet, ist die Annahme des "
    "Registers und nicht am Text des Modells geprüft."
)

SERVICE_LEVEL_RULE: Final = _(
    "Die Stufe der Leistung ist die niedrigste Stufe unter ihren beantworteten Kriterien; ein "
    "Kriterium, das die Leistung nicht braucht (null), zählt nicht."
)

# The level bands the model names; the texts of the single levels 4–7 were not available.
SERVICE_LEVELS: Final[tuple[tuple[int, Promise], ...]] = (
    (0, _("0 – offline (keine Informationen online)")),
    (1, _("1 – Informationen online")),
    (2, _("2 – Formular-Assistent, keine Online-Beantragung")),
    (3, _("3 – Online-Beantragung mit allen Nachweisen")),
    (4, _("4 – Prozessorientierung und Datenzentrierung (Stufe 4)")),
    (5, _("5 – Prozessorientierung und Datenzentrierung (Stufe 5)")),
    (6, _("6 – Prozessorientierung und Datenzentrierung (Stufe 6)")),
    (7, _("7 – vollständig Ende-zu-Ende digital")),
)
SERVICE_LEVEL_SOURCE_NOTE: Final = (
    "Stufen 0–3: Bezeichnungen aus Reifegradmodell 1.1 (Offline, Information, "
    "Formular-Assistent, Online-Leistung), nach der Quelle in 2.0 weiter der Frontend-Bereich. "
    "Stufen 4–6: nur die gemeinsame Beschreibung „Prozessorientierung und Datenzentrierung“ ist "
    "belegt; die Texte der einzelnen Stufen waren nicht abrufbar. Stufe 7: „vollständig "
    "Ende-zu-Ende digitalisiert“."
)

BASIC_COMPONENTS: Final[dict[str, Promise]] = {
    "deutschland_id": _("DeutschlandID"),
    "organisation_account": _("Organisationskonto (inkl. Postfächer)"),
    "noots": _("NOOTS (Nationales Once-Only-Technical-System)"),
    "status_monitor": _("Statusmonitor"),
    "e_file": _("E-Akte"),
    "payment": _("Zahlungs- und HKR-Systeme (ePayment)"),
}


@dataclass(frozen=True)
class Criterion:
    """One criterion of the service maturity questionnaire."""

    key: str
    number: int
    label: Promise
    # Where the criterion and its name come from, and what is not known about its 2.0 wording.
    wording_source_note: str
    # Basic components the criterion depends on (BASIC_COMPONENTS keys).
    components: tuple[str, ...] = ()
    # Whether a service may not need it ("falls erforderlich" in the 1.1 check).
    optional: bool = False
    # False where the 2.0 name is not known: the register does not ask what it cannot name.
    asked: bool = True


_FROM_1_1 = (
    "Bezeichnung aus dem Reifegrad-Check zum Reifegradmodell 1.1 (OZG-Leitfaden, "
    "„OZG_Reifegrad_Check.xlsx“, Kriterium {n}); Wortlaut und Stufenanforderungen in 2.0 nicht "
    "abrufbar."
)
_FROM_COMPONENT = (
    "Arbeitstitel des Registers nach der Basiskomponente „{component}“, die die Quelle für 2.0 "
    "nennt; Name und Wortlaut des Kriteriums in 2.0 nicht abrufbar."
)
_UNKNOWN = (
    "Das Reifegradmodell 2.0 hat 13 Kriterien; Name und Wortlaut dieses Kriteriums waren nicht "
    "abrufbar. Das Register fragt es nicht ab, bis der Text vorliegt."
)

CRITERIA: Final[tuple[Criterion, ...]] = (
    Criterion("service_description", 1, _("Leistungsbeschreibung"), _FROM_1_1.format(n=1)),
    Criterion(
        "application_process",
        2,
        _("Antragsprozess und Kontextintegration"),
        _FROM_1_1.format(n=2),
    ),
    Criterion(
        "user_account",
        3,
        _("Nutzerkonto"),
        _FROM_1_1.format(n=3),
        components=("deutschland_id", "organisation_account"),
        optional=True,
    ),
    Criterion(
        "authentication",
        4,
        _("Authentifizierung"),
        _FROM_1_1.format(n=4),
        components=("deutschland_id", "organisation_account"),
        optional=True,
    ),
    Criterion(
        "payment",
        5,
        _("Bezahlprozess"),
        _FROM_1_1.format(n=5),
        components=("payment",),
        optional=True,
    ),
    Criterion(
        "evidence", 6, _("Nachweise"), _FROM_1_1.format(n=6), components=("noots",), optional=True
    ),
    Criterion(
        "evidence_retrieval",
        7,
        _("Nachweisabruf aus Registern (Once-Only)"),
        _FROM_COMPONENT.format(component="NOOTS")
        + " Nach IT-Planungsrat Beschluss 2024/15 gilt der OZG-Reifegrad 4 national als "
        "erreicht, wenn Nachweise im Reifegrad C des Nachweis-Reifegradmodells abgerufen werden.",
        components=("noots",),
        optional=True,
    ),
    Criterion(
        "notification_channel",
        8,
        _("Bescheid und Rückkanal ins Postfach"),
        _FROM_COMPONENT.format(component="Organisationskonto inkl. Postfächer"),
        components=("deutschland_id", "organisation_account"),
    ),
    Criterion(
        "status_information",
        9,
        _("Statusinformation zum Antrag"),
        _FROM_COMPONENT.format(component="Statusmonitor"),
        components=("status_monitor",),
    ),
    Criterion(
        "electronic_file",
        10,
        _("Medienbruchfreie Bearbeitung in der E-Akte"),
        _FROM_COMPONENT.format(component="E-Akte"),
        components=("e_file",),
    ),
    Criterion(
        "payment_accounting",
        11,
        _("Zahlungsabwicklung im Haushalts-, Kassen- und Rechnungswesen"),
        _FROM_COMPONENT.format(component="Zahlungs- und HKR-Systeme"),
        components=("payment",),
        optional=True,
    ),
    Criterion(
        "unknown_12", 12, _("Kriterium 12 (Bezeichnung nicht verfügbar)"), _UNKNOWN, asked=False
    ),
    Criterion(
        "unknown_13", 13, _("Kriterium 13 (Bezeichnung nicht verfügbar)"), _UNKNOWN, asked=False
    ),
)
ASKED_CRITERIA: Final = tuple(c for c in CRITERIA if c.asked)
CRITERIA_BY_KEY: Final = {criterion.key: criterion for criterion in CRITERIA}


def service_level(answers: dict[str, int | None]) -> int | None:
    """The service's level: its lowest answered, relevant criterion; None before any answer."""
    levels = [level for level in answers.values() if level is not None]
    return min(levels) if levels else None


def readiness_levels(answers: dict[str, int]) -> dict[str, int]:
    """Each asked dimension's level: the weakest answer among its statements."""
    levels: dict[str, int] = {}
    for question in READINESS_QUESTIONS:
        value = answers[question.key]
        levels[question.dimension] = min(levels.get(question.dimension, value), value)
    return levels
