"""The steps of the guided use-case form, in the order of DOMAIN.md's field groups."""

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    """One page of the guided form: the fields it edits and the child rows it shows."""

    slug: str
    title: Promise
    intro: Promise
    fields: tuple[str, ...] = ()
    # Child-row kinds (registry.services.CHILD_MODELS keys) edited on this page.
    children: tuple[str, ...] = ()
    # The risk questionnaire and the AI-system choice have their own forms.
    special: str = ""


STEPS: Final[tuple[Step, ...]] = (
    Step(
        "grunddaten",
        _("Grunddaten"),
        _(
            "Worum geht es? Beschreiben Sie den Einsatz so, dass ihn jemand ohne Fachwissen "
            "versteht."
        ),
        ("title", "short_description", "purpose", "status", "start_date", "end_date"),
    ),
    Step(
        "verantwortung",
        _("Verantwortung"),
        _("Wer ist fachlich zuständig und wie erreicht man die Stelle?"),
        ("department", "responsible_role", "technical_contact", "public_contact_email"),
    ),
    Step(
        "rechtsgrundlage",
        _("Rechtsgrundlage"),
        _("Auf welche Vorschriften stützt sich die Verarbeitung? Eine Zeile je Vorschrift."),
        ("legal_basis_explanation",),
        ("legal_bases",),
    ),
    Step(
        "daten",
        _("Daten"),
        _("Welche Daten verarbeitet das System und woher kommen sie?"),
        (
            "processes_personal_data",
            "processes_special_categories",
            "data_categories",
            "retention",
        ),
        ("data_sources",),
    ),
    Step(
        "system",
        _("System"),
        _("Welches KI-System wird eingesetzt, und wie ist es angebunden?"),
        ("interfaces", "complements_rpa"),
        special="system",
    ),
    Step(
        "risiko",
        _("Risiko nach der KI-Verordnung"),
        _(
            "Beantworten Sie die Fragen so gut Sie können. Die Risikoklasse und ihre Gründe "
            "erscheinen nach jedem Speichern neben den Fragen."
        ),
        ("residual_risk_note",),
        special="risk",
    ),
    Step(
        "aufsicht",
        _("Menschliche Aufsicht"),
        _("Wie behalten Menschen die Kontrolle über die Ergebnisse?"),
        (
            "oversight_mode",
            "oversight_role",
            "oversight_can_override",
            "oversight_can_stop",
            "objection_procedure",
            "output_sampling",
        ),
    ),
    Step(
        "folgenabschaetzungen",
        _("Folgenabschätzungen"),
        _("Welche Prüfungen wurden gemacht oder sind nicht nötig?"),
        (
            "dpia_status",
            "dpia_date",
            "dpia_reference",
            "dpia_not_needed_reason",
            "fria_status",
            "fria_date",
            "fria_reference",
            "security_concept_status",
            "security_concept_date",
            "security_concept_reference",
        ),
    ),
    Step(
        "mitbestimmung",
        _("Mitbestimmung"),
        _("Muss der Personalrat beteiligt werden, und wie ist der Stand?"),
        ("monitors_staff", "staff_council_status", "staff_council_date", "service_agreement"),
    ),
    Step(
        "leistungen",
        _("Verwaltungsleistungen (LeiKa)"),
        _("Welche Verwaltungsleistungen unterstützt der Einsatz? Eine Zeile je Leistung."),
        children=("public_services",),
    ),
    Step(
        "eignung",
        _("Eignung"),
        _(
            "Warum passt KI zu dieser Aufgabe? Gut geeignet sind hohe Fallzahlen, klare Regeln "
            "und gut strukturierbare Informationen."
        ),
        ("yearly_case_volume", "rule_clarity", "input_structure"),
    ),
    Step(
        "veroeffentlichung",
        _("Überprüfung und Veröffentlichung"),
        _(
            "Wann wird der Einsatz wieder überprüft, und was darf die Öffentlichkeit sehen? "
            "Einschränkungen müssen begründet werden."
        ),
        ("review_interval_months", "next_review_date", "is_published"),
        ("withheld_fields",),
    ),
)

STEPS_BY_SLUG: Final[dict[str, Step]] = {step.slug: step for step in STEPS}
FIRST_STEP: Final[Step] = STEPS[0]


def step_after(step: Step) -> Step | None:
    """The next step, or None after the last one (then the summary follows)."""
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def step_before(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None
