"""The field groups of a use case (DOMAIN.md), declared once: the admin and the workspace read them.

Each group is a fieldset of the board's admin and a step of the guided form, in this order. A new
field of UseCase goes into exactly one group here (tests/registry/test_field_groups.py fails
until it does); the admin's fieldsets and the guided form's steps follow from this table.
"""

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FieldGroup:
    """One group of a use case's fields and child rows, as a form shows them."""

    slug: str
    # The guided form's step title; the admin's fieldset title unless admin_title is set.
    title: Promise
    # The plain-language question the guided form asks at the top of the step.
    intro: Promise
    # Fields of UseCase, in the order both forms show them.
    fields: tuple[str, ...] = ()
    # Child-row kinds (registry.services.CHILD_MODELS keys); the admin shows them as inlines.
    children: tuple[str, ...] = ()
    # Fields the admin shows in this group that nobody types, in the guided form or the admin:
    # the workflow sets the workflow state and the review schedule (its steps: the decision,
    # the periodic review, the board's rescheduling), the risk questionnaire the risk class.
    derived: tuple[str, ...] = ()
    admin_title: Promise | None = None

    @property
    def guided_fields(self) -> tuple[str, ...]:
        """The fields the guided form's step edits."""
        return tuple(name for name in self.fields if name not in self.derived)


FIELD_GROUPS: Final[tuple[FieldGroup, ...]] = (
    FieldGroup(
        "grunddaten",
        _("Grunddaten"),
        _(
            "Worum geht es? Beschreiben Sie den Einsatz so, dass ihn jemand ohne Fachwissen "
            "versteht."
        ),
        (
            "title",
            "short_description",
            "purpose",
            "status",
            "workflow_state",
            "start_date",
            "end_date",
            "policy_area",
            "benefit",
            "previous_process",
            "alternatives_considered",
            # Who owns the record is part of what it is: the draft cannot exist without them,
            # so the first step asks for them once and the second step does not repeat them.
            "department",
            "responsible_role",
        ),
        derived=("workflow_state",),
    ),
    FieldGroup(
        "verantwortung",
        _("Verantwortung"),
        _("Wie erreicht man die zuständige Stelle, und wer betreibt das System?"),
        (
            "technical_contact",
            "public_contact_email",
            "deployer_address",
            "deployer_representative",
        ),
    ),
    FieldGroup(
        "rechtsgrundlage",
        _("Rechtsgrundlage"),
        _("Auf welche Vorschriften stützt sich die Verarbeitung? Eine Zeile je Vorschrift."),
        ("legal_basis_explanation",),
        ("legal_bases",),
    ),
    FieldGroup(
        "daten",
        _("Daten"),
        _("Welche Daten verarbeitet das System und woher kommen sie?"),
        (
            "processes_personal_data",
            "processes_special_categories",
            "data_categories",
            "retention",
            "training_data",
            "processing_register_reference",
        ),
        ("data_sources",),
    ),
    FieldGroup(
        "system",
        _("System"),
        _("Welches KI-System wird eingesetzt, und wie ist es angebunden?"),
        (
            "ai_system",
            "interfaces",
            "complements_rpa",
            "model_task",
            "model_inputs",
            "model_outputs",
            "model_version",
            "model_performance",
            "model_limitations",
            "provider_eu_database_url",
            "source_code_url",
            "product_url",
        ),
    ),
    FieldGroup(
        "risiko",
        _("Risiko nach der KI-Verordnung"),
        _(
            "Eine Frage nach der anderen: Fragen, die nach Ihren bisherigen Antworten keine "
            "Rolle spielen, entfallen. Zu jeder Frage steht der Artikel, auf den sie sich stützt; "
            "„Weiß ich nicht“ ist immer möglich und lässt die Einstufung offen. Am Ende sehen Sie "
            "Ihren Weg durch die Fragen und die Einstufung."
        ),
        (
            "risk_class",
            "residual_risk_note",
            "risks_and_mitigations",
            "proportionality",
            "impact_on_affected",
        ),
        derived=("risk_class",),
        admin_title=_("Risiko"),
    ),
    FieldGroup(
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
    FieldGroup(
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
            "dpia_summary",
            "fria_summary",
            "security_concept_status",
            "security_concept_date",
            "security_concept_reference",
        ),
    ),
    FieldGroup(
        "mitbestimmung",
        _("Mitbestimmung"),
        _("Muss der Personalrat beteiligt werden, und wie ist der Stand?"),
        ("monitors_staff", "staff_council_status", "staff_council_date", "service_agreement"),
    ),
    FieldGroup(
        "leistungen",
        _("Verwaltungsleistungen (LeiKa)"),
        _("Welche Verwaltungsleistungen unterstützt der Einsatz? Eine Zeile je Leistung."),
        children=("public_services",),
    ),
    FieldGroup(
        "eignung",
        _("Eignung"),
        _(
            "Warum passt KI zu dieser Aufgabe? Gut geeignet sind hohe Fallzahlen, klare Regeln "
            "und gut strukturierbare Informationen."
        ),
        ("yearly_case_volume", "rule_clarity", "input_structure"),
    ),
    FieldGroup(
        "veroeffentlichung",
        _("Überprüfung und Veröffentlichung"),
        _(
            "Wann wird der Einsatz wieder überprüft, und was darf die Öffentlichkeit sehen? "
            "Einschränkungen müssen begründet werden."
        ),
        ("review_interval_months", "next_review_date", "is_published", "open_data_licence"),
        ("withheld_fields",),
        derived=("review_interval_months", "next_review_date"),
    ),
)
# Every field a workflow step or the questionnaire sets: no form and no API call types them.
DERIVED_FIELDS: Final[frozenset[str]] = frozenset(
    name for group in FIELD_GROUPS for name in group.derived
)


def admin_fieldsets() -> tuple[tuple[Promise, dict[str, tuple[str, ...]]], ...]:
    """The admin's fieldsets of a use case: one per group with fields (children are inlines)."""
    return tuple(
        (group.admin_title or group.title, {"fields": group.fields})
        for group in FIELD_GROUPS
        if group.fields
    )
