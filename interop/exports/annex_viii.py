"""What a public-authority deployer registers under Art. 49(3) AI Act: Annex VIII Section C.

No official machine format exists; this one is the register's own, described by `json_schema()`
(served beside the export). One record per published high-risk use case, numbered after the
Annex's points: 1 the deployer, 2 who submits on its behalf, 3 the provider's EU database
entry, 4 the summary of the fundamental-rights impact assessment (Art. 27), 5 the summary of
the data-protection impact assessment (Art. 26(8)), where applicable.
"""

from collections.abc import Iterator
from typing import Any

from interop.exports.base import CHUNK_SIZE, ExportContext, json_array, records
from registry.models import PublishedUseCase, UseCase

VERSION = "1.0"
LEGAL_SOURCE = "Verordnung (EU) 2024/1689, Art. 49 Abs. 3, Anhang VIII Abschnitt C"


def document(record: PublishedUseCase, context: ExportContext) -> dict[str, Any] | None:
    if record.risk_class != UseCase.RiskClass.HIGH_RISK:
        return None
    organisation = record.organisation
    contact = {
        "email": record.public_contact_email or None,
        "website": organisation.website or None,
    }
    return {
        "format_version": VERSION,
        "legal_source": LEGAL_SOURCE,
        "id": record.use_case_id,
        "url": context.record_url(record.use_case_id),
        "title": record.title,
        "deployer": {
            "name": organisation.name,
            **({"ags": organisation.ags} if organisation.ags else {}),
            "address": record.deployer_address or None,
            "contact": contact,
        },
        "submitted_on_behalf_by": (
            {
                "name": record.deployer_representative,
                "address": record.deployer_address or None,
                "contact": contact,
            }
            if record.deployer_representative
            else None
        ),
        "provider_eu_database_url": record.provider_eu_database_url or None,
        "fria_summary": record.fria_summary or None,
        "dpia_summary": record.dpia_summary or None,
        "withheld": [
            {"group": group, "reason": reason} for group, reason in (record.withheld or {}).items()
        ],
        "published_at": record.published_at.isoformat(),
    }


def write(context: ExportContext) -> Iterator[str]:
    # The database leaves out what is not high-risk: at tier L most of the register.
    high_risk = records(context.organisation).filter(risk_class=UseCase.RiskClass.HIGH_RISK)
    return json_array(
        high_risk.iterator(chunk_size=CHUNK_SIZE), lambda record: document(record, context)
    )


def json_schema(schema_url: str) -> dict[str, Any]:
    """JSON Schema (2020-12) of one record of the export (the export is an array of them)."""
    text = {"type": ["string", "null"]}
    contact = {
        "type": "object",
        "required": ["email", "website"],
        "additionalProperties": False,
        "properties": {"email": text, "website": text},
    }
    party_properties = {"name": {"type": "string"}, "address": text, "contact": contact}
    party = {
        "type": "object",
        "required": ["name", "address", "contact"],
        "additionalProperties": False,
        "properties": party_properties,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": "KI-VO Anhang VIII Abschnitt C: Registrierung durch Betreiber (Art. 49 Abs. 3)",
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "format_version",
                "legal_source",
                "id",
                "url",
                "title",
                "deployer",
                "submitted_on_behalf_by",
                "provider_eu_database_url",
                "fria_summary",
                "dpia_summary",
                "withheld",
                "published_at",
            ],
            "properties": {
                "format_version": {"const": VERSION},
                "legal_source": {"const": LEGAL_SOURCE},
                "id": {"type": "integer", "description": "Stabile Kennung im Register"},
                "url": {"type": "string", "format": "uri"},
                "title": {"type": "string"},
                "deployer": {
                    "type": "object",
                    "required": ["name", "address", "contact"],
                    "additionalProperties": False,
                    "description": "Nr. 1: Name, Anschrift und Kontaktdaten des Betreibers",
                    "properties": {
                        **party_properties,
                        "ags": {
                            "type": "string",
                            "pattern": "^[0-9]{8}$",
                            "description": "fehlt bei einem IT-Dienstleister ohne AGS",
                        },
                    },
                },
                "submitted_on_behalf_by": {
                    "oneOf": [party, {"type": "null"}],
                    "description": (
                        "Nr. 2: Name, Anschrift und Kontaktdaten der Stelle, die für den "
                        "Betreiber handelt (eine Funktion, kein Personenname)"
                    ),
                },
                "provider_eu_database_url": {
                    **text,
                    "description": "Nr. 3: URL des Eintrags des Anbieters in der EU-Datenbank",
                },
                "fria_summary": {
                    **text,
                    "description": "Nr. 4: Zusammenfassung der Grundrechte-Folgenabschätzung",
                },
                "dpia_summary": {
                    **text,
                    "description": "Nr. 5: Zusammenfassung der Datenschutz-Folgenabschätzung",
                },
                "withheld": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["group", "reason"],
                        "properties": {"group": {"type": "string"}, "reason": {"type": "string"}},
                    },
                },
                "published_at": {"type": "string", "format": "date-time"},
            },
        },
    }
