"""The risk questionnaire: one plain-German question per fact the rule engine reads."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance.risk.engine import (
    ANNEX_III_LABELS,
    ART_6_3_LABELS,
    EXCLUSION_LABELS,
    PROHIBITED_PRACTICE_LABELS,
    ROLE_LABELS,
)

QuestionKind = Literal["bool", "choice", "multi", "date"]
Value = TypeVar("Value", bound=str)


@dataclass(frozen=True)
class Option:
    """One answer a choice or multi question offers; `value` is what the engine receives."""

    value: str | None
    label: Promise


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire, keyed by the fact it answers."""

    key: str
    text: Promise
    help: Promise
    legal_source: str
    kind: QuestionKind
    options: tuple[Option, ...] = ()
    # What the engine assumes when the question is left unanswered.
    default: bool | str | tuple[str, ...] | None = None


def _options(labels: Mapping[Value, Promise]) -> tuple[Option, ...]:
    return tuple(Option(value, label) for value, label in labels.items())


# Facts the engine reads from the organisation's record, not from the questionnaire.
ORGANISATION_FACTS: Final[tuple[str, ...]] = ("deployer_legal_form",)

QUESTIONS: Final[tuple[Question, ...]] = (
    Question(
        key="is_ai_system",
        text=_("Ist das System ein KI-System?"),
        help=_(
            "Ein KI-System arbeitet mit einem gewissen Maß an Autonomie und leitet aus seinen "
            "Eingaben ab, wie es Ergebnisse wie Vorhersagen, Inhalte, Empfehlungen oder "
            "Entscheidungen erzeugt, etwa durch maschinelles Lernen oder ein Sprachmodell. "
            "Ein Verfahren, das nur von Menschen festgelegte Regeln ausführt, ist kein KI-System."
        ),
        legal_source="Art. 3 Nr. 1 KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="excluded",
        text=_("Dient das System ausschließlich einem dieser Zwecke?"),
        help=_(
            "Für diese Zwecke gilt die KI-Verordnung nicht. Tests unter Realbedingungen zählen "
            "nicht als Erprobung vor dem Inverkehrbringen. Für die Verwaltung trifft in der Regel "
            "keiner dieser Zwecke zu."
        ),
        legal_source="Art. 2 Abs. 3, 6 und 8 KI-VO",
        kind="choice",
        options=(
            Option(None, _("Nein, keiner dieser Zwecke")),
            *_options(EXCLUSION_LABELS),
        ),
        default=None,
    ),
    Question(
        key="role",
        text=_("In welcher Rolle ist Ihre Organisation beteiligt?"),
        help=_(
            "Wer ein fremdes System einsetzt, ist Betreiber. Wer ein System selbst entwickelt, "
            "unter eigenem Namen abgibt oder ein Hochrisiko-System wesentlich verändert, wird "
            "Anbieter und trägt deutlich mehr Pflichten."
        ),
        legal_source="Art. 3 Nr. 3 und 4, Art. 25 KI-VO",
        kind="choice",
        options=_options(ROLE_LABELS),
        default="deployer",
    ),
    Question(
        key="prohibited_practices",
        text=_("Tut das System eines der folgenden Dinge?"),
        help=_(
            "Diese Praktiken sind seit Februar 2025 verboten. Die gesetzlichen Ausnahmen, etwa aus "
            "medizinischen Gründen oder für eng begrenzte Zwecke der Strafverfolgung, zählen hier "
            "nicht als Treffer."
        ),
        legal_source="Art. 5 Abs. 1 KI-VO",
        kind="multi",
        options=_options(PROHIBITED_PRACTICE_LABELS),
        default=(),
    ),
    Question(
        key="annex_i_safety_component",
        text=_(
            "Ist das System Sicherheitsbauteil eines Produkts (oder selbst ein Produkt), für das "
            "EU-Produktrecht eine Konformitätsbewertung durch Dritte verlangt?"
        ),
        help=_(
            "Gemeint sind Produkte nach Anhang I Abschnitt A, etwa Maschinen, Aufzüge, "
            "Medizinprodukte oder Spielzeug, deren Konformität eine benannte Stelle prüfen muss."
        ),
        legal_source="Art. 6 Abs. 1, Anhang I KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="annex_i_section_b",
        text=_(
            "Ist das System Sicherheitsbauteil eines Produkts nach Anhang I Abschnitt B, etwa "
            "einer Maschine, eines Fahrzeugs oder eines Luftfahrzeugs?"
        ),
        help=_(
            "Seit der Änderung 2026 stehen auch Maschinen in Abschnitt B. Solche Systeme sind "
            "hochriskant, ihre Anforderungen kommen aber über das jeweilige Produktrecht; von der "
            "KI-Verordnung gelten nur wenige Artikel."
        ),
        legal_source="Art. 2 Abs. 2, Art. 6 Abs. 1, Anhang I Abschnitt B KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="annex_iii_points",
        text=_("Wird das System in einem dieser Bereiche eingesetzt?"),
        help=_(
            "Systeme für diese Zwecke gelten als hochriskant, sofern keine Ausnahme nach der "
            "nächsten Frage greift. Für Kommunen besonders häufig: öffentliche Leistungen, "
            "Personal, Notrufe und kritische Infrastruktur."
        ),
        legal_source="Art. 6 Abs. 2, Anhang III KI-VO",
        kind="multi",
        options=_options(ANNEX_III_LABELS),
        default=(),
    ),
    Question(
        key="emotion_recognition",
        text=_(
            "Leitet das System aus biometrischen Daten (Gesicht, Stimme, Körperhaltung) ab, welche "
            "Gefühle oder Absichten ein Mensch hat?"
        ),
        help=_(
            "Emotionserkennung beruht auf biometrischen Daten. Eine Stimmungsanalyse geschriebener "
            "Texte ist keine Emotionserkennung im Sinne der Verordnung."
        ),
        legal_source="Art. 3 Nr. 39, Anhang III Nr. 1 lit. c KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="biometric_categorisation_sensitive",
        text=_(
            "Ordnet das System Menschen anhand biometrischer Daten nach sensiblen oder geschützten "
            "Merkmalen ein (etwa Gesundheit oder Behinderung)?"
        ),
        help=_(
            "Solche Systeme sind hochriskant. Herkunft, politische Meinung, Religion oder "
            "sexuelle Orientierung abzuleiten ist sogar verboten (siehe oben)."
        ),
        legal_source="Anhang III Nr. 1 lit. b KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="general_purpose_system_put_to_high_risk_use",
        text=_(
            "Setzen Sie ein KI-System mit allgemeinem Verwendungszweck (etwa einen "
            "Sprachmodell-Assistenten) für einen dieser Bereiche ein?"
        ),
        help=_(
            "Wer ein solches System für einen Hochrisiko-Zweck verwendet, wird selbst Anbieter "
            "dieses Hochrisiko-Systems, auch wenn er es nur eingekauft hat."
        ),
        legal_source="Art. 25 Abs. 1 lit. c KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="art_6_3_no_significant_risk",
        text=_(
            "Birgt das System kein erhebliches Risiko für Gesundheit, Sicherheit oder Grundrechte "
            "und beeinflusst es das Ergebnis von Entscheidungen nicht wesentlich?"
        ),
        help=_(
            "Nur wenn das zutrifft, können die Ausnahmen der nächsten Frage greifen. Im Zweifel "
            "„Nein“: Dann bleibt das System hochriskant."
        ),
        legal_source="Art. 6 Abs. 3 UAbs. 1 KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="art_6_3_conditions",
        text=_("Trifft für das System in diesem Bereich eine der folgenden Aussagen zu?"),
        help=_(
            "Wenn ja und das System das Ergebnis von Entscheidungen nicht wesentlich beeinflusst, "
            "gilt es nicht als hochriskant. Der Anbieter muss diese Bewertung dokumentieren und "
            "das System registrieren. Nur beantworten, wenn ein Bereich der vorigen Frage zutrifft."
        ),
        legal_source="Art. 6 Abs. 3 KI-VO",
        kind="multi",
        options=_options(ART_6_3_LABELS),
        default=(),
    ),
    Question(
        key="profiles_natural_persons",
        text=_("Erstellt das System Profile von Menschen?"),
        help=_(
            "Profiling heißt: persönliche Daten automatisch auswerten, um Aspekte eines Menschen "
            "zu bewerten oder vorherzusagen, etwa Arbeitsleistung, wirtschaftliche Lage, "
            "Gesundheit, Verhalten oder Aufenthaltsort. Ein System nach Anhang III, das Profile "
            "erstellt, ist immer hochriskant."
        ),
        legal_source="Art. 6 Abs. 3 UAbs. 3 KI-VO, Art. 4 Nr. 4 DSGVO",
        kind="bool",
        default=False,
    ),
    Question(
        key="interacts_with_natural_persons",
        text=_("Kommunizieren Menschen direkt mit dem System, etwa in einem Chat oder am Telefon?"),
        help=_(
            "Menschen müssen erkennen können, dass sie mit einer KI sprechen, sofern es nicht "
            "offensichtlich ist. Diese Pflicht trifft den Anbieter."
        ),
        legal_source="Art. 50 Abs. 1 KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="generates_synthetic_content",
        text=_("Erzeugt oder verändert das System Texte, Bilder, Audio- oder Videoinhalte?"),
        help=_(
            "Der Anbieter muss solche Inhalte maschinenlesbar als KI-erzeugt kennzeichnen. Nur "
            "wenn ja, folgen die Fragen nach Deepfakes und veröffentlichten Texten. "
            "Ausgenommen sind Hilfsfunktionen für die übliche Bearbeitung, die Eingaben nicht "
            "wesentlich verändern, etwa eine Rechtschreibkorrektur."
        ),
        legal_source="Art. 50 Abs. 2 KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="emotion_recognition_or_biometric_categorisation",
        text=_("Ordnet das System Menschen anhand biometrischer Daten Kategorien zu?"),
        help=_(
            "Etwa Altersgruppen aus Gesichtsbildern. Wer ein solches System (oder eine "
            "Emotionserkennung) einsetzt, muss die betroffenen Menschen über dessen Betrieb "
            "informieren. Texte nach Stimmung auszuwerten zählt nicht."
        ),
        legal_source="Art. 3 Nr. 40, Art. 50 Abs. 3 KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="deep_fake",
        text=_(
            "Erzeugt oder verändert Ihre Organisation mit dem System Bilder, Ton oder Videos, "
            "die echte Personen, Orte oder Ereignisse täuschend echt nachbilden (Deepfakes)?"
        ),
        help=_(
            "Wer solche Inhalte einsetzt, muss offenlegen, dass sie künstlich erzeugt oder "
            "verändert sind."
        ),
        legal_source="Art. 50 Abs. 4 UAbs. 1 KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="public_interest_text_without_editorial_review",
        text=_(
            "Veröffentlicht Ihre Organisation KI-erzeugte Texte, die die Öffentlichkeit über "
            "Angelegenheiten von öffentlichem Interesse informieren, ohne dass ein Mensch sie "
            "redaktionell prüft und verantwortet?"
        ),
        help=_(
            "Dann muss offengelegt werden, dass der Text KI-erzeugt ist. Prüft und verantwortet "
            "eine Person den Text vor der Veröffentlichung, entfällt diese Pflicht."
        ),
        legal_source="Art. 50 Abs. 4 UAbs. 2 KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="placed_on_market_on",
        text=_(
            "Seit wann ist das System (dieser Typ und dieses Modell) auf dem Markt oder in Betrieb?"
        ),
        help=_(
            "Das Datum, an dem das System erstmals in Verkehr gebracht oder in Betrieb genommen "
            "wurde. Für Hochrisiko-Systeme, die schon vor dem Geltungsbeginn der Pflichten im "
            "Einsatz waren, gelten Übergangsfristen. Leer lassen, wenn es noch nicht im Einsatz "
            "ist oder Sie es nicht wissen."
        ),
        legal_source="Art. 111 Abs. 2 und 4 KI-VO",
        kind="date",
        default=None,
    ),
    Question(
        key="significant_design_change",
        text=_("Wurde das Design des Systems seitdem wesentlich geändert?"),
        help=_(
            "Eine wesentliche Änderung des Designs beendet die Übergangsfrist: Dann gelten die "
            "Pflichten ab ihrem regulären Termin."
        ),
        legal_source="Art. 111 Abs. 2 KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="post_remote_biometric_identification",
        text=_(
            "Nutzt Ihre Organisation das System zur nachträglichen biometrischen "
            "Fernidentifizierung, um eine Straftat zu verfolgen?"
        ),
        help=_(
            "Dann braucht jede Verwendung eine Genehmigung einer Justiz- oder Verwaltungsbehörde; "
            "für Kommunen kommt das selten vor."
        ),
        legal_source="Art. 26 Abs. 10 KI-VO",
        kind="bool",
        default=False,
    ),
    Question(
        key="provides_general_purpose_model",
        text=_(
            "Trainiert Ihre Organisation (oder ihr IT-Dienstleister in ihrem Namen) ein KI-Modell "
            "mit allgemeinem Verwendungszweck nach und stellt es anderen bereit?"
        ),
        help=_(
            "Etwa ein nachtrainiertes Sprachmodell, das anderen Kommunen angeboten wird. Dann "
            "gelten die Pflichten der Modellanbieter."
        ),
        legal_source="Art. 53 KI-VO",
        kind="bool",
        default=False,
    ),
)
