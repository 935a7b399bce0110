"""The Dutch Algoritmeregister publication standard 1.0: a JSON array of algorithm descriptions.

Field definitions: MinBZK/Algoritmeregister, backend/app/schemas/config/v1_0.json (the config the
Dutch register validates downloads with). The mapping is documented in README ("Exports").
"""

from collections.abc import Iterator
from typing import Any

from interop.exports.base import (
    ExportContext,
    ags_tags,
    clip,
    compact,
    data_sources_text,
    iterate,
    json_array,
    legal_bases_text,
    model_card_text,
    oversight_text,
    paragraphs,
)
from registry.models import PublishedUseCase, UseCase

STATUS = {
    UseCase.Status.IDEA: "In ontwikkeling",
    UseCase.Status.PLANNED: "In ontwikkeling",
    UseCase.Status.PILOT: "In ontwikkeling",
    UseCase.Status.IN_OPERATION: "In gebruik",
    UseCase.Status.RETIRED: "Buiten gebruik",
}
# The standard's "Thema" list; the register's policy areas were chosen to match it one to one.
CATEGORY = {
    UseCase.PolicyArea.ADMINISTRATION: "Organisatie en bedrijfsvoering",
    UseCase.PolicyArea.CULTURE: "Cultuur en recreatie",
    UseCase.PolicyArea.ECONOMY: "Economie",
    UseCase.PolicyArea.PUBLIC_FINANCE: "Overheidsfinanciën",
    UseCase.PolicyArea.HOUSING: "Wonen",
    UseCase.PolicyArea.INTERNATIONAL: "Internationaal",
    UseCase.PolicyArea.MIGRATION: "Migratie en integratie",
    UseCase.PolicyArea.ENVIRONMENT: "Natuur en milieu",
    UseCase.PolicyArea.EDUCATION: "Onderwijs en wetenschap",
    UseCase.PolicyArea.PUBLIC_ORDER: "Openbare orde en veiligheid",
    UseCase.PolicyArea.JUSTICE: "Recht",
    UseCase.PolicyArea.PLANNING: "Ruimte en infrastructuur",
    UseCase.PolicyArea.SOCIAL_SECURITY: "Sociale zekerheid",
    UseCase.PolicyArea.TRAFFIC: "Verkeer",
    UseCase.PolicyArea.EMPLOYMENT: "Werk",
    UseCase.PolicyArea.HEALTH: "Zorg en gezondheid",
}
# ISO 639-3, as the standard asks; its value list offers only "nld" so far (README).
LANGUAGE = "deu"


def publication_category(record: PublishedUseCase) -> str:
    """High-risk AI, else "impactful" when it affects people (personal data, a transparency or
    prohibited class), else "other" (the standard's three categories)."""
    if record.risk_class == UseCase.RiskClass.HIGH_RISK:
        return "Hoog-risico AI-systeem"
    affects_people = record.processes_personal_data or record.risk_class in (
        UseCase.RiskClass.TRANSPARENCY,
        UseCase.RiskClass.PROHIBITED,
    )
    return "Impactvolle algoritmes" if affects_people else "Overige algoritmes"


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if value else ""


def _link(url: str) -> str:
    return url if url.startswith("https://") else ""


# Fields the standard requires: present even when the register has nothing to say (empty).
REQUIRED = ("name", "description_short", "organization", "status", "contact_email", "lang")


def document(record: PublishedUseCase, context: ExportContext) -> dict[str, Any]:
    values = _values(record, context)
    return {**compact(values), **{name: values[name] for name in REQUIRED}}


def _values(record: PublishedUseCase, context: ExportContext) -> dict[str, Any]:
    organisation = record.organisation
    lawful_links = [
        {
            "title": clip(" ".join(filter(None, (b.get("provision"), b.get("law")))), 100),
            "link": clip(b["url"], 500),
        }
        for b in record.legal_bases
        if b.get("url")
    ]
    assessments = [
        {"title": title}
        for title, status in (
            ("Data Protection Impact Assessment (DPIA)", record.dpia_status),
            ("Fundamentele Rechten en Algoritme Impact Assessment (FRAIA)", record.fria_status),
        )
        if status == UseCase.AssessmentStatus.DONE
    ]
    return {
        "name": clip(record.title, 100),
        "description_short": clip(record.short_description, 400),
        "organization": clip(organisation.name, 100),
        "category": [CATEGORY[UseCase.PolicyArea(record.policy_area)]]
        if record.policy_area
        else [],
        "status": STATUS[UseCase.Status(record.status)],
        "begin_date": _month(record.start_date),
        "end_date": _month(record.end_date),
        "contact_email": clip(record.public_contact_email, 500),
        "website": clip(context.record_url(record.use_case_id), 500),
        "publication_category": publication_category(record),
        "url": clip(context.api_url(record.use_case_id), 500),
        "goal": clip(paragraphs(("", record.purpose), ("Nutzen", record.benefit)), 2500),
        "proportionality": clip(
            paragraphs(
                ("", record.proportionality),
                ("Geprüfte Alternativen", record.alternatives_considered),
            ),
            2500,
        ),
        "human_intervention": clip(
            paragraphs(("", oversight_text(record)), ("Widerspruch", record.objection_procedure)),
            2500,
        ),
        "risks": clip(
            paragraphs(
                ("", record.risks_and_mitigations),
                ("Auswirkungen auf Betroffene", record.impact_on_affected),
            ),
            2500,
        ),
        "lawful_basis": clip(
            paragraphs(("", legal_bases_text(record)), ("", record.legal_basis_explanation)),
            2500,
        ),
        "lawful_basis_grouping": lawful_links,
        "impacttoetsen_grouping": assessments,
        "impacttoetsen": clip(
            paragraphs(("DSFA", record.dpia_summary), ("GRFA", record.fria_summary)), 2500
        ),
        "source_data": clip(
            paragraphs(
                ("", record.data_categories),
                ("Datenquellen", data_sources_text(record)),
                ("Trainingsdaten", record.training_data),
            ),
            2500,
        ),
        "methods_and_models": clip(model_card_text(record), 5000),
        "provider": clip(record.vendor, 200),
        "publiccode": _link(record.source_code_url),
        "process_index_url": _link(record.processing_register_reference),
        "lang": LANGUAGE,
        "standard_version": "1.0",
        "source_id": str(record.use_case_id),
        "tags": clip(
            ", ".join(
                ags_tags(organisation)
                + [f"LeiKa {service['leika_key']}" for service in record.public_services]
            ),
            2500,
        ),
    }


def write(context: ExportContext) -> Iterator[str]:
    return json_array(iterate(context.organisation), lambda record: document(record, context))
