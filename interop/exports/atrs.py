"""The UK Algorithmic Transparency Recording Standard 4.0 (July 2025): one record per use case.

Field definitions: co-cddo/algorithmic-transparency-recording-standard. Version 4.0 is published
there as guidance and a change log (PDF); its field table is version 3.0's
(`previous-versions/v3.0/template_table.md`) with the 4.0 change log applied. The JSON keys are
3.0's attribute names, and for fields 4.0 renamed or added the snake case of their 4.0 name;
each of the template's sheets is an object, the modular sheets (model, development data,
operational data) lists. Mapping and the choices for value lists without a German equivalent:
README ("Exports").
"""

from collections.abc import Iterator
from typing import Any

from interop.exports.base import (
    ExportContext,
    choice_label,
    compact,
    data_sources_text,
    iterate,
    json_array,
    legal_bases_text,
    oversight_text,
    paragraphs,
    withheld_text,
)
from registry.models import AISystem, PublishedUseCase, UseCase

VERSION = "4.0"
# The standard's marker for a field with nothing to say (guidance, sections 5 and 6).
NOT_APPLICABLE = "N/A"
# 4.0's phase list: 3.0's "Idea; Design; Development; Beta/Pilot; Production; Retired" with
# "Pilot/beta" replaced by "Private beta" and "Public beta" (change log 3.0 → 4.0).
PHASE = {
    UseCase.Status.IDEA: "Idea",
    UseCase.Status.PLANNED: "Development",
    # A pilot runs with a limited group before general use: the closer of the two betas.
    UseCase.Status.PILOT: "Private beta",
    UseCase.Status.IN_OPERATION: "Production",
    UseCase.Status.RETIRED: "Retired",
}
# The region list names the UK's parts; 4.0 added "International" for tools outside them,
# the one value that is true of a German municipality (README).
REGION = "International"


def _or_na(text: str) -> str:
    return text or NOT_APPLICABLE


def _vendor_involved(record: PublishedUseCase) -> bool:
    return bool(record.vendor or record.product)


def document(record: PublishedUseCase, context: ExportContext) -> dict[str, Any]:
    organisation = record.organisation
    third_party = _vendor_involved(record)
    return {
        # 4.0 leaves these to the publisher (change log: "Metadata"); the register is the
        # publisher of its records, so it states them with 3.0's names.
        "metadata": {
            "id": record.use_case_id,
            "standard_version": VERSION,
            "date_of_completion": record.first_published_at.date().isoformat(),
            "date_updated": record.published_at.date().isoformat(),
        },
        "title_information": {
            "title": record.title,
            "organisation_name": organisation.name,
            "phase": PHASE[UseCase.Status(record.status)],
            "region": REGION,
            "one_sentence_description": record.short_description,
        },
        "summary_information": {
            "name": record.title,
            "description": _or_na(paragraphs(("", record.short_description), ("", record.purpose))),
            "website_url": context.record_url(record.use_case_id),
            "contact_email": _or_na(record.public_contact_email or organisation.contact_email),
        },
        "owner_and_responsibility": compact(
            {
                "organisation_or_department": organisation.name,
                "team": _or_na(record.department_name),
                # A role, never a person (guidance, section 6).
                "senior_responsible_owner": _or_na(record.responsible_role),
                "third_party_involvement": "Yes" if third_party else "No",
                "third_party": record.vendor,
                "third_party_role": paragraphs(
                    ("Produkt", record.product), ("Produktinformation", record.product_url)
                ),
            }
        ),
        "description_and_rationale": compact(
            {
                "detailed_description": _or_na(
                    paragraphs(
                        ("", record.purpose),
                        ("Unterstützte Verwaltungsleistungen", _services(record)),
                        ("Rechtsgrundlagen", legal_bases_text(record)),
                        ("", record.legal_basis_explanation),
                    )
                ),
                "benefit": _or_na(record.benefit),
                "previous_process": record.previous_process,
                "alternatives_considered": record.alternatives_considered,
            }
        ),
        "deployment_context": compact(
            {
                "integration_into_broader_operational_process": _or_na(
                    paragraphs(
                        ("", record.impact_on_affected),
                        ("Schnittstellen zu Fachverfahren", record.interfaces),
                    )
                ),
                "frequency_and_scale_of_usage": NOT_APPLICABLE,
                "human_review": _or_na(oversight_text(record)),
                "required_training": NOT_APPLICABLE,
                "appeals_and_review": record.objection_procedure,
            }
        ),
        "tool_specification": {
            "system_architecture": _or_na(
                paragraphs(
                    ("KI-System", " ".join(filter(None, (record.ai_system_name, record.product)))),
                    ("Betrieb", choice_label(AISystem.Hosting.choices, record.hosting)),
                    ("Schnittstellen", record.interfaces),
                    ("Quellcode", record.source_code_url),
                )
            ),
            "system_level_input": _or_na(record.model_inputs or record.data_categories),
            "system_level_output": _or_na(record.model_outputs),
            "maintenance": _or_na(
                paragraphs(
                    (
                        "Nächste Überprüfung",
                        record.next_review_date.isoformat() if record.next_review_date else "",
                    ),
                )
            ),
            "models": _or_na(" ".join(filter(None, (record.model_name, record.model_version)))),
        },
        "model_specification": _models(record),
        "development_data_specification": _development_data(record),
        "operational_data_specification": _operational_data(record),
        "risks_mitigations_and_impact_assessments": {
            "impact_assessment": _or_na(
                paragraphs(
                    ("Datenschutz-Folgenabschätzung", _assessment(record.dpia_status)),
                    ("", record.dpia_summary),
                    ("Grundrechte-Folgenabschätzung", _assessment(record.fria_status)),
                    ("", record.fria_summary),
                )
            ),
            "risks_and_mitigations": _or_na(
                paragraphs(
                    ("", record.risks_and_mitigations),
                    ("Verhältnismäßigkeit", record.proportionality),
                    ("Zurückgehaltene Angaben", withheld_text(record)),
                )
            ),
        },
    }


def _assessment(status: str) -> str:
    return choice_label(UseCase.AssessmentStatus.choices, status)


def _services(record: PublishedUseCase) -> str:
    return "; ".join(
        f"{service.get('name', '')} (LeiKa {service['leika_key']})".strip()
        for service in record.public_services
    )


def _models(record: PublishedUseCase) -> list[dict[str, Any]]:
    """The one model the record describes, when it names one; none for a record without a
    model (the sheet is left out for off-the-shelf tools, guidance section 10)."""
    if not record.model_name:
        return []
    return [
        {
            "model_name": record.model_name,
            "model_version": _or_na(record.model_version),
            "model_task": _or_na(record.model_task),
            "model_input": _or_na(record.model_inputs),
            "model_output": _or_na(record.model_outputs),
            "model_architecture": _or_na(
                choice_label(AISystem.Technique.choices, record.technique)
            ),
            "model_performance": _or_na(
                paragraphs(
                    ("", record.model_performance), ("Bekannte Grenzen", record.model_limitations)
                )
            ),
            "datasets_and_their_purposes": _or_na(record.training_data),
        }
    ]


def _development_data(record: PublishedUseCase) -> list[dict[str, Any]]:
    """Training and development data, when the record names any (left out for tools the
    organisation has not trained, guidance section 11)."""
    if not record.training_data:
        return []
    return [
        {
            "source_data_name": record.training_data.splitlines()[0][:200],
            "data_modality": NOT_APPLICABLE,
            "data_description": record.training_data,
            "data_quantities": NOT_APPLICABLE,
            "sensitive_attributes": _sensitive(record),
            "data_completeness_and_representativeness": NOT_APPLICABLE,
            "source_data_url": NOT_APPLICABLE,
            "data_collection": NOT_APPLICABLE,
            "data_sharing_agreements": NOT_APPLICABLE,
            "data_access_and_storage": NOT_APPLICABLE,
        }
    ]


def _operational_data(record: PublishedUseCase) -> list[dict[str, Any]]:
    sources = data_sources_text(record)
    if not (record.data_categories or sources):
        return []
    return [
        {
            "source_data_name": _or_na(sources),
            "data_modality": NOT_APPLICABLE,
            "data_description": _or_na(record.data_categories),
            "data_quantities": NOT_APPLICABLE,
            "sensitive_attributes": _sensitive(record),
            "data_completeness_and_representativeness": NOT_APPLICABLE,
            "source_data_url": NOT_APPLICABLE,
            "data_collection": NOT_APPLICABLE,
            "data_sharing_agreements": NOT_APPLICABLE,
            "data_access_and_storage": _or_na(
                paragraphs(
                    ("Betrieb", choice_label(AISystem.Hosting.choices, record.hosting)),
                    ("Verarbeitungsverzeichnis", record.processing_register_reference),
                )
            ),
        }
    ]


def _sensitive(record: PublishedUseCase) -> str:
    if record.processes_special_categories:
        return "Personenbezogene Daten, darunter besondere Kategorien (Art. 9 DSGVO)"
    if record.processes_personal_data:
        return "Personenbezogene Daten"
    return "Keine personenbezogenen Daten"


def write(context: ExportContext) -> Iterator[str]:
    return json_array(iterate(context.organisation), lambda record: document(record, context))
