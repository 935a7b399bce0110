"""Open data of the public register: CSV and JSON (schema v1), streamed row by row."""

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from registry.models import AISystem, PublishedUseCase, UseCase, WithheldField
from registry.publication import STANDARDS_FIELDS, WITHHELD_GROUPS

SCHEMA_VERSION = "1.0"
CHUNK_SIZE = 2000
# A file's size is known once it has been sent in full; kept for a week per data version.
SIZE_CACHE_SECONDS = 7 * 24 * 3600

# The licences OPEN_DATA_LICENCE may name, the same a use case's own licence may name
# (UseCase.OpenDataLicence): code → (address of the licence text, what it allows).
LICENCES: dict[str, tuple[str, Any]] = {
    UseCase.OpenDataLicence.DL_DE_BY: (
        "https://www.govdata.de/dl-de/by-2-0",
        _("Sie dürfen die Daten nutzen, verändern und weitergeben, wenn Sie die Quelle nennen."),
    ),
    UseCase.OpenDataLicence.DL_DE_ZERO: (
        "https://www.govdata.de/dl-de/zero-2-0",
        _(
            "Sie dürfen die Daten ohne Einschränkung und ohne Namensnennung nutzen, verändern und "
            "weitergeben."
        ),
    ),
    UseCase.OpenDataLicence.CC_BY: (
        "https://creativecommons.org/licenses/by/4.0/",
        _("Sie dürfen die Daten nutzen, verändern und weitergeben, wenn Sie die Quelle nennen."),
    ),
    UseCase.OpenDataLicence.CC_ZERO: (
        "https://creativecommons.org/publicdomain/zero/1.0/",
        _(
            "Sie dürfen die Daten ohne Einschränkung und ohne Namensnennung nutzen, verändern und "
            "weitergeben."
        ),
    ),
}

# Stable column names; new columns are only ever appended (and the schema version raised).
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "url",
    "organisation",
    "organisation_slug",
    "organisation_ags",
    "department",
    "title",
    "short_description",
    "purpose",
    "status",
    "start_date",
    "end_date",
    "responsible_role",
    "public_contact_email",
    "risk_class",
    "technique",
    "ai_system",
    "vendor",
    "product",
    "model",
    "hosting",
    "legal_bases",
    "legal_basis_explanation",
    "processes_personal_data",
    "processes_special_categories",
    "data_categories",
    "data_sources",
    "public_services",
    "interfaces",
    "oversight_mode",
    "oversight_role",
    "oversight_can_override",
    "oversight_can_stop",
    "objection_procedure",
    "dpia_status",
    "fria_status",
    "next_review_date",
    "withheld",
    "first_published_at",
    "published_at",
    # Appended for the transparency standards (issue 18).
    "deployer_address",
    *STANDARDS_FIELDS,
)


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def record_document(record: PublishedUseCase, url: str) -> dict[str, Any]:
    """One use case as schema v1 describes it; fields of withheld groups are null."""
    organisation = record.organisation
    document: dict[str, Any] = {
        "id": record.use_case_id,
        "url": url,
        "organisation": {
            "name": organisation.name,
            "slug": organisation.slug,
            "ags": organisation.ags,
        },
        "department": record.department_name,
        "title": record.title,
        "short_description": record.short_description,
        "purpose": record.purpose,
        "status": record.status,
        "start_date": _iso(record.start_date),
        "end_date": _iso(record.end_date),
        "responsible_role": record.responsible_role,
        "public_contact_email": record.public_contact_email,
        "risk_class": record.risk_class or None,
        "ai_system": {
            "name": record.ai_system_name,
            "technique": record.technique or None,
            "vendor": record.vendor,
            "product": record.product,
            "model": record.model_name,
            "hosting": record.hosting or None,
        },
        "legal_bases": record.legal_bases,
        "legal_basis_explanation": record.legal_basis_explanation,
        "processes_personal_data": record.processes_personal_data,
        "processes_special_categories": record.processes_special_categories,
        "data_categories": record.data_categories,
        "data_sources": record.data_sources,
        "public_services": record.public_services,
        "interfaces": record.interfaces,
        "oversight": {
            "mode": record.oversight_mode or None,
            "role": record.oversight_role,
            "can_override": record.oversight_can_override,
            "can_stop": record.oversight_can_stop,
        },
        "objection_procedure": record.objection_procedure,
        "dpia_status": record.dpia_status or None,
        "fria_status": record.fria_status or None,
        "next_review_date": _iso(record.next_review_date),
        "withheld": [
            {"group": group, "reason": reason} for group, reason in (record.withheld or {}).items()
        ],
        "first_published_at": record.first_published_at.isoformat(),
        "published_at": record.published_at.isoformat(),
        **standards_document(record),
    }
    for group in record.withheld or {}:
        for name in WITHHELD_GROUPS.get(group, ()):
            _null_field(document, name)
    return document


def standards_document(record: PublishedUseCase) -> dict[str, Any]:
    """The facts added for the transparency standards, under their field names; empty is null."""
    names = ("deployer_address", *STANDARDS_FIELDS)
    return {name: getattr(record, name) or None for name in names}


# Where each withholdable field of the public record sits in the document.
_DOCUMENT_PATHS: dict[str, tuple[str, ...]] = {
    "ai_system_name": ("ai_system", "name"),
    "technique": ("ai_system", "technique"),
    "vendor": ("ai_system", "vendor"),
    "product": ("ai_system", "product"),
    "model_name": ("ai_system", "model"),
    "hosting": ("ai_system", "hosting"),
    "oversight_mode": ("oversight", "mode"),
    "oversight_role": ("oversight", "role"),
    "oversight_can_override": ("oversight", "can_override"),
    "oversight_can_stop": ("oversight", "can_stop"),
}


def _null_field(document: dict[str, Any], name: str) -> None:
    *parents, leaf = _DOCUMENT_PATHS.get(name, (name,))
    target = document
    for parent in parents:
        target = target[parent]
    target[leaf] = None


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def csv_row(record: PublishedUseCase, url: str) -> list[str]:
    """One use case as a CSV row in CSV_COLUMNS order; lists are joined with " | "."""
    organisation = record.organisation
    return [
        str(record.use_case_id),
        url,
        organisation.name,
        organisation.slug,
        organisation.ags or "",
        record.department_name,
        record.title,
        record.short_description,
        record.purpose,
        record.status,
        _iso(record.start_date) or "",
        _iso(record.end_date) or "",
        record.responsible_role,
        record.public_contact_email,
        record.risk_class,
        record.technique,
        record.ai_system_name,
        record.vendor,
        record.product,
        record.model_name,
        record.hosting,
        " | ".join(
            " ".join(filter(None, (lb.get("provision"), lb.get("law"), lb.get("url"))))
            for lb in record.legal_bases
        ),
        record.legal_basis_explanation,
        _bool(record.processes_personal_data),
        _bool(record.processes_special_categories),
        record.data_categories,
        " | ".join(
            " – ".join(filter(None, (ds.get("name"), ds.get("register"))))
            for ds in record.data_sources
        ),
        " | ".join(
            " ".join(filter(None, (ps.get("leika_key"), ps.get("name"))))
            for ps in record.public_services
        ),
        record.interfaces,
        record.oversight_mode,
        record.oversight_role,
        _bool(record.oversight_can_override),
        _bool(record.oversight_can_stop),
        record.objection_procedure,
        record.dpia_status,
        record.fria_status,
        _iso(record.next_review_date) or "",
        " | ".join(f"{group}: {reason}" for group, reason in (record.withheld or {}).items()),
        record.first_published_at.isoformat(),
        record.published_at.isoformat(),
        *(getattr(record, name) for name in ("deployer_address", *STANDARDS_FIELDS)),
    ]


# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """The cell as text a spreadsheet never evaluates: a formula start gets a leading quote."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell


class _Line:
    """A file-like target for csv.writer that hands each written line back."""

    def write(self, value: str) -> str:
        return value


class UrlFor:
    """Absolute detail URLs from one reversed template, so streaming reverses nothing per row."""

    PLACEHOLDER = 987654321

    def __init__(self, template: str) -> None:
        self.prefix, _marker, self.suffix = template.partition(str(self.PLACEHOLDER))

    def __call__(self, use_case_id: int) -> str:
        return f"{self.prefix}{use_case_id}{self.suffix}"


def _records(records: QuerySet[PublishedUseCase]) -> Iterable[PublishedUseCase]:
    # iterator() keeps memory flat: rows are fetched in chunks and never cached on the queryset.
    return records.iterator(chunk_size=CHUNK_SIZE)


def _csv_lines(records: Iterable[PublishedUseCase], url_for: Callable[[int], str]) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(CSV_COLUMNS)
    for record in records:
        row = csv_row(record, url_for(record.use_case_id))
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def stream_csv(records: QuerySet[PublishedUseCase], url_for: UrlFor) -> Iterator[str]:
    """The CSV file, a line at a time: a header row, then one row per use case."""
    return _csv_lines(_records(records), url_for)


def entry_csv(record: PublishedUseCase, url: str) -> str:
    """One entry as the register's CSV: its header and this entry's row."""
    return "".join(_csv_lines([record], lambda _id: url))


def measured(chunks: Iterable[str], key: str) -> Iterator[str]:
    """The chunks unchanged; once all are sent, their size in bytes is kept under the key."""
    size = 0
    for chunk in chunks:
        size += len(chunk.encode())
        yield chunk
    cache.set(key, size, SIZE_CACHE_SECONDS)


def size_key(fmt: str, version: datetime.datetime | None) -> str:
    """Where the size of the whole register's file of one format and data version is kept."""
    return f"open-data-size:{fmt}:{version.isoformat() if version else ''}"


def licence() -> dict[str, str]:
    """The licence of the open data (setting OPEN_DATA_LICENCE): its code, name and address."""
    code = settings.OPEN_DATA_LICENCE
    url, _allows = LICENCES[code]
    return {"id": code, "name": str(UseCase.OpenDataLicence(code).label), "url": url}


def document_licence() -> dict[str, str]:
    """licence() for the JSON document: its name in German, whatever the request's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return licence()


def licence_allows() -> str:
    """In a sentence, what the open data's licence allows (in the active language)."""
    return str(LICENCES[settings.OPEN_DATA_LICENCE][1])


def stream_json(
    records: QuerySet[PublishedUseCase], url_for: UrlFor, *, meta: dict[str, Any]
) -> Iterator[str]:
    """The JSON document, a record at a time: metadata, then the array of use cases."""
    head = json.dumps(meta, ensure_ascii=False)
    yield head[:-1] + ', "use_cases": ['
    separator = ""
    for record in _records(records):
        yield separator + json.dumps(
            record_document(record, url_for(record.use_case_id)), ensure_ascii=False
        )
        separator = ","
    yield "]}\n"


def _enum(choices: list[tuple[str, Any]], *, nullable: bool = True) -> dict[str, Any]:
    values: list[Any] = [value for value, _label in choices if value]
    description = "; ".join(f"{value} = {label}" for value, label in choices if value)
    if nullable:
        values.append(None)
    return {"enum": values, "description": description}


def _text(description: str) -> dict[str, Any]:
    return {"type": ["string", "null"], "description": description}


def _standards_properties() -> dict[str, Any]:
    """Schema of the facts added for the transparency standards (optional, so still v1)."""
    properties: dict[str, Any] = {}
    for name in ("deployer_address", *STANDARDS_FIELDS):
        field = PublishedUseCase._meta.get_field(name)
        assert isinstance(field, models.Field)
        choices = field.choices
        label = str(field.verbose_name)
        if choices:
            enum = _enum(list(choices))
            properties[name] = {**enum, "description": f"{label}: {enum['description']}"}
        else:
            properties[name] = _text(label)
    return properties


def json_schema(schema_url: str) -> dict[str, Any]:
    """JSON Schema (2020-12) of the register document, version 1."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": "KI-Register: veröffentlichte KI-Anwendungsfälle",
        "description": (
            "Offene Daten eines KI-Registers, Version 1. Felder einer zurückgehaltenen Angabe "
            "(siehe withheld) sind null. Codes sind stabil; ihre deutschen Bezeichnungen stehen "
            "jeweils in description."
        ),
        "type": "object",
        "required": ["version", "schema", "generated_at", "source", "use_cases"],
        "properties": {
            "version": {"const": SCHEMA_VERSION},
            "schema": {"type": "string", "format": "uri"},
            "generated_at": {"type": "string", "format": "date-time"},
            "source": {"type": "string", "format": "uri"},
            "licence": {
                "type": "object",
                "description": "Lizenz der Daten",
                "required": ["id", "name", "url"],
                "properties": {
                    "id": {"enum": list(LICENCES)},
                    "name": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
            "organisation": {"$ref": "#/$defs/organisation"},
            "use_cases": {"type": "array", "items": {"$ref": "#/$defs/use_case"}},
        },
        "$defs": record_definitions(),
    }


def record_definitions() -> dict[str, Any]:
    """JSON Schema (2020-12) of a record (`use_case`, record_document) and of its `organisation`:
    the one description of the public record, for the document and the public API alike."""
    nullable_bool = {"type": ["boolean", "null"]}
    date = {"type": ["string", "null"], "format": "date"}
    return {
        "organisation": {
            "type": "object",
            "required": ["name", "slug", "ags"],
            "properties": {
                "name": {"type": "string"},
                "slug": {"type": "string", "description": "Kurzname in Adressen"},
                "ags": {
                    "type": ["string", "null"],
                    "pattern": "^[0-9]{8}$",
                    "description": "Amtlicher Gemeindeschlüssel (null: ein IT-Dienstleister ohne)",
                },
            },
        },
        "use_case": {
            "type": "object",
            "required": [
                "id",
                "url",
                "organisation",
                "title",
                "short_description",
                "status",
                "withheld",
                "first_published_at",
                "published_at",
            ],
            "properties": {
                "id": {
                    "type": "integer",
                    "description": "Stabile Kennung des Anwendungsfalls in diesem Register",
                },
                "url": {"type": "string", "format": "uri"},
                "organisation": {"$ref": "#/$defs/organisation"},
                "department": {"type": "string", "description": "Fachbereich"},
                "title": {"type": "string"},
                "short_description": {"type": "string"},
                "purpose": _text("Zweck"),
                "status": _enum(UseCase.Status.choices, nullable=False),
                "start_date": date,
                "end_date": date,
                "responsible_role": {"type": "string"},
                "public_contact_email": {"type": "string"},
                "risk_class": _enum(UseCase.RiskClass.choices),
                "ai_system": {
                    "type": "object",
                    "properties": {
                        "name": _text("KI-System"),
                        "technique": _enum(AISystem.Technique.choices),
                        "vendor": _text("Anbieter"),
                        "product": _text("Produkt"),
                        "model": _text("Modell"),
                        "hosting": _enum(AISystem.Hosting.choices),
                    },
                },
                "legal_bases": {
                    "type": ["array", "null"],
                    "items": {
                        "type": "object",
                        "properties": {
                            "law": {"type": "string"},
                            "provision": {"type": "string"},
                            "url": {"type": "string"},
                        },
                    },
                },
                "legal_basis_explanation": _text("Erläuterung der Rechtsgrundlage"),
                "processes_personal_data": nullable_bool,
                "processes_special_categories": nullable_bool,
                "data_categories": _text("Datenkategorien"),
                "data_sources": {
                    "type": ["array", "null"],
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "register": {"type": "string"},
                            "description": {"type": "string"},
                        },
                    },
                },
                "public_services": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "leika_key": {"type": "string", "pattern": "^[0-9]{14}$"},
                            "name": {"type": "string"},
                        },
                    },
                },
                "interfaces": _text("Schnittstellen zu Fachverfahren"),
                "oversight": {
                    "type": "object",
                    "properties": {
                        "mode": _enum(UseCase.OversightMode.choices),
                        "role": _text("Aufsicht durch (Funktion)"),
                        "can_override": nullable_bool,
                        "can_stop": nullable_bool,
                    },
                },
                "objection_procedure": {"type": "string"},
                "dpia_status": _enum(UseCase.AssessmentStatus.choices),
                "fria_status": _enum(UseCase.AssessmentStatus.choices),
                "next_review_date": date,
                "withheld": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["group", "reason"],
                        "properties": {
                            "group": _enum(WithheldField.Field.choices, nullable=False),
                            "reason": {"type": "string"},
                        },
                    },
                },
                "first_published_at": {"type": "string", "format": "date-time"},
                "published_at": {"type": "string", "format": "date-time"},
                **_standards_properties(),
            },
        },
    }
