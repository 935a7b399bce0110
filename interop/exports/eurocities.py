"""The Eurocities algorithmic transparency standard 0.3.1: a JSON array of registrations.

Field definitions: Algoritmeregister/standard, _data/schema-v0_3_1.yaml. Mapping and the choices
for value lists without a German equivalent: README ("Exports").
"""

import calendar
import datetime
from collections.abc import Iterator
from typing import Any

from interop.exports.base import (
    ExportContext,
    ags_tags,
    choice_label,
    compact,
    data_sources_text,
    iterate,
    json_array,
    legal_bases_text,
    model_card_text,
    oversight_text,
    paragraphs,
    withheld_text,
)
from registry.models import AISystem, PublishedUseCase, UseCase

STATUS = {
    UseCase.Status.IDEA: "planned",
    UseCase.Status.PLANNED: "design",
    UseCase.Status.PILOT: "pilot",
    UseCase.Status.IN_OPERATION: "operational",
    UseCase.Status.RETIRED: "retired",
}
RISK_CATEGORY = {
    UseCase.RiskClass.MINIMAL: "minimal risk",
    # Outside the AI Act's scope: no obligations, closest to "minimal risk".
    UseCase.RiskClass.OUT_OF_SCOPE: "minimal risk",
    UseCase.RiskClass.TRANSPARENCY: "limited risk",
    UseCase.RiskClass.HIGH_RISK: "high risk",
    UseCase.RiskClass.PROHIBITED: "unacceptable",
}
ALGORITHM_TYPE = {
    AISystem.Technique.RULE_BASED: "rule-based",
    AISystem.Technique.MACHINE_LEARNING: "self-learning",
    AISystem.Technique.GENERATIVE: "self-learning",
    AISystem.Technique.HYBRID: "hybrid",
}
# The register holds no "analytics type"; derived from the technique (README).
ANALYTICS_TYPE = {
    AISystem.Technique.RULE_BASED: "prescriptive",
    AISystem.Technique.MACHINE_LEARNING: "predictive",
    AISystem.Technique.GENERATIVE: "descriptive",
    AISystem.Technique.HYBRID: "prescriptive",
}
DOMAIN = {
    UseCase.PolicyArea.ADMINISTRATION: "government",
    UseCase.PolicyArea.CULTURE: "culture, sports and leisure",
    UseCase.PolicyArea.ECONOMY: "economy and entrepreneurship",
    UseCase.PolicyArea.PUBLIC_FINANCE: "finance",
    UseCase.PolicyArea.HOUSING: "housing, living and living environment",
    UseCase.PolicyArea.INTERNATIONAL: "international collaboration and development aid",
    UseCase.PolicyArea.MIGRATION: "immigration and integration",
    UseCase.PolicyArea.ENVIRONMENT: "environment, spacial planning and water",
    UseCase.PolicyArea.EDUCATION: "education and science",
    UseCase.PolicyArea.PUBLIC_ORDER: "public safety",
    UseCase.PolicyArea.JUSTICE: "justice",
    UseCase.PolicyArea.PLANNING: "environment, spacial planning and water",
    UseCase.PolicyArea.SOCIAL_SECURITY: "subsidies, benefits and allowances",
    UseCase.PolicyArea.TRAFFIC: "traffic and transportation",
    UseCase.PolicyArea.EMPLOYMENT: "work and career",
    UseCase.PolicyArea.HEALTH: "health and health care",
}


def revision_date(record: PublishedUseCase) -> datetime.date:
    """The next review; without one, the organisation's default interval after publication."""
    if record.next_review_date:
        return record.next_review_date
    months = record.organisation.review_interval_default_months or 24
    published = record.published_at.date()
    year, month = divmod(published.month - 1 + months, 12)
    # The 29th to 31st of a shorter month fall on its last day.
    day = min(published.day, calendar.monthrange(published.year + year, month + 1)[1])
    return datetime.date(published.year + year, month + 1, day)


# Texts the standard requires: present even when the register has nothing to say (empty).
REQUIRED_TEXTS = frozenset(
    {
        "decision_making_process",
        "goal",
        "impact",
        "risks",
        "proportionality",
        "lawful_basis",
        "training_data",
        "source_data",
        "connected_data_sources",
        "description",
        "monitoring",
        "human_intervention",
        "objection_procedure",
        "department",
        "contact_email",
    }
)


def document(record: PublishedUseCase, context: ExportContext) -> dict[str, Any]:
    organisation = record.organisation
    technique = AISystem.Technique(record.technique) if record.technique else None
    values = _values(record, context, organisation, technique)
    return {**compact(values), **{name: values[name] for name in REQUIRED_TEXTS}}


def _values(
    record: PublishedUseCase,
    context: ExportContext,
    organisation: Any,
    technique: AISystem.Technique | None,
) -> dict[str, Any]:
    return {
        "name": record.title,
        "description_short": record.short_description,
        "organization": organisation.name,
        "department": record.department_name,
        "contact_email": record.public_contact_email,
        "area": organisation.name,
        "domain": DOMAIN.get(UseCase.PolicyArea(record.policy_area), "generic")
        if record.policy_area
        else "generic",
        "website": context.record_url(record.use_case_id),
        "status": STATUS[UseCase.Status(record.status)],
        "remark": paragraphs(("Zurückgehaltene Angaben", withheld_text(record))),
        "decision_making_process": paragraphs(
            ("", record.previous_process),
            ("Unterstützte Verwaltungsleistungen", _services(record)),
        ),
        "goal": paragraphs(("", record.purpose), ("Nutzen", record.benefit)),
        "impact": record.impact_on_affected,
        "risks": record.risks_and_mitigations,
        "risk_category": RISK_CATEGORY.get(UseCase.RiskClass(record.risk_class), "")
        if record.risk_class
        else "",
        "proportionality": record.proportionality,
        "lawful_basis": paragraphs(
            ("", legal_bases_text(record)), ("", record.legal_basis_explanation)
        ),
        "documentation": context.api_url(record.use_case_id),
        "training_data": record.training_data,
        "source_data": record.data_categories,
        "connected_data_sources": data_sources_text(record),
        "DPIA_description": record.dpia_summary,
        "algorithm_type": ALGORITHM_TYPE.get(technique, "") if technique else "",
        "description": model_card_text(record),
        "methods_and_models": record.model_name,
        "performance": record.model_performance,
        "alternatives_considered": record.alternatives_considered,
        "product_information": record.product_url,
        "codebase_url": record.source_code_url,
        "AIA_description": record.fria_summary,
        "monitoring": paragraphs(
            ("Aufsicht", oversight_text(record)),
            ("Technik", choice_label(AISystem.Technique.choices, record.technique)),
        ),
        "type": ANALYTICS_TYPE.get(technique, "") if technique else "",
        "human_intervention": oversight_text(record),
        "objection_procedure": record.objection_procedure,
        "standard_version": "0.3.1",
        "uuid": context.stable_uuid(record.use_case_id),
        "lang": "de",
        "publication_date": record.first_published_at.date().isoformat(),
        "last_change_date": record.published_at.date().isoformat(),
        "revision_date": revision_date(record).isoformat(),
        "keywords": ", ".join(
            ags_tags(organisation)
            + [f"ID {record.use_case_id}"]
            + [f"LeiKa {service['leika_key']}" for service in record.public_services]
        ),
    }


def _services(record: PublishedUseCase) -> str:
    return "; ".join(
        " ".join(filter(None, (service.get("name"), f"(LeiKa {service['leika_key']})")))
        for service in record.public_services
    )


def write(context: ExportContext) -> Iterator[str]:
    return json_array(iterate(context.organisation), lambda record: document(record, context))
