"""What each risk class of the AI Act (Regulation (EU) 2024/1689) means, for the public page."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registry.models import UseCase

AI_ACT_URL = "https://eur-lex.europa.eu/legal-content/DE/TXT/?uri=CELEX:32024R1689"


@dataclass(frozen=True)
class RiskClassText:
    """The anchor of a class's section on /risikoklassen/, its explanation and legal basis."""

    anchor: str
    paragraphs: tuple[Promise, ...]
    legal_basis: Promise


# One entry per UseCase.RiskClass value; a test keeps them in step with the model's choices.
RISK_CLASS_TEXTS: dict[str, RiskClassText] = {
    UseCase.RiskClass.PROHIBITED: RiskClassText(
        anchor="verboten",
        paragraphs=(
            _(
                "Die KI-Verordnung verbietet einige Praktiken ganz, weil sie Grundrechte zu stark "
                "gefährden. Dazu gehören unter anderem die Bewertung von Menschen nach ihrem "
                "sozialen Verhalten (Social Scoring), manipulative Techniken, das Ausnutzen von "
                "Alter, Behinderung oder sozialer Notlage, das ungezielte Sammeln von "
                "Gesichtsbildern und die Erkennung von Emotionen am Arbeitsplatz und in "
                "Bildungseinrichtungen."
            ),
            _(
                "Die Verbote gelten seit dem 2. Februar 2025, die mit der Änderung der "
                "Verordnung 2026 hinzugekommenen (Art. 5 Abs. 1 lit. ba und bb) seit dem "
                "2. Dezember 2026. Steht ein Anwendungsfall mit dieser Einstufung im Register, "
                "darf er nicht betrieben werden."
            ),
        ),
        legal_basis=_("Art. 5 KI-Verordnung (verbotene Praktiken)"),
    ),
    UseCase.RiskClass.HIGH_RISK: RiskClassText(
        anchor="hochrisiko",
        paragraphs=(
            _(
                "Hochrisiko-KI-Systeme sind erlaubt, aber streng geregelt. Hochriskant ist ein "
                "System, das Sicherheitsbauteil eines regulierten Produkts ist (Anhang I), oder "
                "das in einem der Bereiche aus Anhang III eingesetzt wird. Für die Verwaltung "
                "sind das vor allem: die Prüfung, ob jemand Anspruch auf öffentliche Leistungen "
                "hat, Migration, Asyl und Grenzkontrolle, Bildung, Beschäftigung, "
                "Strafverfolgung, Justiz und Wahlen sowie kritische Infrastruktur."
            ),
            _(
                "Ein System aus Anhang III ist ausnahmsweise nicht hochriskant, wenn es nur eine "
                "eng begrenzte Hilfsaufgabe erfüllt und die Entscheidung nicht wesentlich "
                "beeinflusst; die Organisation muss das begründen und dokumentieren."
            ),
            _(
                "Wer ein Hochrisiko-System einsetzt, muss es nach der Gebrauchsanweisung "
                "betreiben, eine fachkundige Person mit der menschlichen Aufsicht betrauen, den "
                "Betrieb überwachen und die Protokolle aufbewahren. Öffentliche Stellen schätzen "
                "vorher die Folgen für die Grundrechte ab und registrieren den Einsatz in der "
                "EU-Datenbank."
            ),
        ),
        legal_basis=_(
            "Art. 6 und Anhang III KI-Verordnung (Einstufung), Art. 26 (Pflichten der Betreiber), "
            "Art. 27 (Grundrechte-Folgenabschätzung), Art. 49 und 71 (EU-Datenbank)"
        ),
    ),
    UseCase.RiskClass.TRANSPARENCY: RiskClassText(
        anchor="transparenzpflichten",
        paragraphs=(
            _(
                "Manche KI-Systeme sind nicht hochriskant, aber Menschen müssen wissen, dass sie "
                "es mit KI zu tun haben. Ein Chatbot muss sich als KI zu erkennen geben. Von KI "
                "erzeugte oder veränderte Bilder, Töne, Videos und Texte, die über Angelegenheiten "
                "von öffentlichem Interesse informieren, müssen als solche gekennzeichnet sein."
            ),
            _(
                "Wer Emotionen erkennt oder Menschen anhand biometrischer Daten einordnet, muss "
                "die Betroffenen darüber informieren."
            ),
        ),
        legal_basis=_("Art. 50 KI-Verordnung (Transparenzpflichten)"),
    ),
    UseCase.RiskClass.MINIMAL: RiskClassText(
        anchor="minimales-risiko",
        paragraphs=(
            _(
                "Die meisten KI-Systeme haben nur ein geringes Risiko, zum Beispiel ein Filter "
                "gegen Spam, eine Rechtschreibprüfung oder das Sortieren des Posteingangs. Die "
                "KI-Verordnung stellt an sie keine besonderen Anforderungen."
            ),
            _(
                "Auch hier gilt: Wer KI einsetzt, sorgt dafür, dass die Beschäftigten über "
                "ausreichende KI-Kompetenz verfügen. Freiwillige Verhaltenskodizes sind möglich."
            ),
        ),
        legal_basis=_("Art. 4 (KI-Kompetenz) und Art. 95 KI-Verordnung (Verhaltenskodizes)"),
    ),
    UseCase.RiskClass.OUT_OF_SCOPE: RiskClassText(
        anchor="kein-ki-system",
        paragraphs=(
            _(
                "Nicht jede Software ist ein KI-System. Die KI-Verordnung meint Systeme, die mit "
                "einem gewissen Maß an Selbstständigkeit aus Eingaben ableiten, wie sie "
                "Ergebnisse wie Vorhersagen, Empfehlungen oder Entscheidungen erzeugen. Software, "
                "die nur von Menschen festgelegte Regeln ausführt, gehört nicht dazu."
            ),
            _(
                "Die Organisation führt solche Anwendungen trotzdem im Register, damit "
                "nachvollziehbar ist, was sie einsetzt und warum die KI-Verordnung nicht greift."
            ),
        ),
        legal_basis=_("Art. 3 Nr. 1 KI-Verordnung (Begriff des KI-Systems)"),
    ),
    UseCase.RiskClass.UNCLASSIFIED: RiskClassText(
        anchor="nicht-eingestuft",
        paragraphs=(
            _(
                "Die Organisation hat die Einstufung noch nicht abgeschlossen. Das sagt nichts "
                "darüber, wie hoch das Risiko ist. Sobald die Einstufung vorliegt, steht sie hier "
                "im Register."
            ),
        ),
        legal_basis=_("Art. 6 KI-Verordnung (Einstufung), sobald sie vorgenommen ist"),
    ),
}


def risk_class_anchor(value: str) -> str:
    """The anchor of a risk class's section on /risikoklassen/."""
    text = RISK_CLASS_TEXTS.get(value)
    return text.anchor if text else ""


def risk_class_sections() -> list[tuple[str, str, RiskClassText | None]]:
    """Every risk class of the model, the strictest first: value, label and explanation (None
    for a class added to the model but not yet explained here)."""
    order = list(RISK_CLASS_TEXTS)
    choices = sorted(
        UseCase.RiskClass.choices,
        key=lambda choice: order.index(choice[0]) if choice[0] in order else len(order),
    )
    return [(value, str(label), RISK_CLASS_TEXTS.get(value)) for value, label in choices]
