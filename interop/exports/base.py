"""What every export shares: the records it reads, stable ids and addresses, JSON streaming."""

import datetime
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Organisation
from registry.models import AISystem, PublishedUseCase, UseCase, WithheldField

CHUNK_SIZE = 2000
# Names the register's records in uuid5 ids (Eurocities asks for a UUID): the same installation
# address and record id give the same UUID in every export, forever.
UUID_NAMESPACE = uuid.UUID("6f1d3a5e-2c4b-5e8f-9a7d-0b1c2d3e4f50")


@dataclass(frozen=True)
class ExportContext:
    """Where the export is published and for whom: the installation's address, one or all
    organisations, and when it was generated."""

    site_url: str
    organisation: Organisation | None = None
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    def absolute(self, path: str) -> str:
        return self.site_url.rstrip("/") + path

    def record_url(self, use_case_id: int) -> str:
        """The public page of a record (its stable address)."""
        return self.absolute(reverse("registry:use_case", args=[use_case_id]))

    def api_url(self, use_case_id: int) -> str:
        """The record in the public API, machine-readable."""
        return self.absolute(f"/api/v2/public/use-cases/{use_case_id}/")

    def stable_uuid(self, use_case_id: int) -> str:
        return str(uuid.uuid5(UUID_NAMESPACE, f"{self.site_url.rstrip('/')}/{use_case_id}"))


def records(organisation: Organisation | None) -> QuerySet[PublishedUseCase]:
    """The public records an export covers, in the order of their stable ids."""
    queryset = PublishedUseCase.objects.select_related("organisation").order_by("use_case_id")
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset


def iterate(organisation: Organisation | None) -> Iterator[PublishedUseCase]:
    # iterator() keeps memory flat: rows are fetched in chunks and never cached.
    return records(organisation).iterator(chunk_size=CHUNK_SIZE)


def json_array(
    items: Iterable[PublishedUseCase], document: Callable[[PublishedUseCase], dict[str, Any] | None]
) -> Iterator[str]:
    """A JSON array written an element at a time; records the document skips (None) are left out."""
    yield "["
    separator = "\n"
    for item in items:
        value = document(item)
        if value is None:
            continue
        yield separator + json.dumps(value, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def ags_tags(organisation: Organisation) -> list[str]:
    """The organisation's AGS as a keyword ("AGS 05315000"); none for a provider without one."""
    return [f"AGS {organisation.ags}"] if organisation.ags else []


def clip(text: str, limit: int) -> str:
    """The text cut to a standard's maximum length, marked with an ellipsis where cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def paragraphs(*parts: tuple[str, str]) -> str:
    """Labelled texts as one plain text, the empty ones left out."""
    return "\n\n".join(f"{label}: {text}" if label else text for label, text in parts if text)


def compact(document: dict[str, Any]) -> dict[str, Any]:
    """The document without empty values: a standard's optional field is left out, not empty."""
    return {key: value for key, value in document.items() if value not in ("", None, [], {})}


def german(text: Any) -> str:
    """A (lazy) label in German, whatever language the request asked for: exports are data in
    the register's language, the same for every reader."""
    with translation.override("de"):
        return str(text)


def choice_label(choices: Iterable[tuple[str, Any]], value: str) -> str:
    return german(dict(choices).get(value, "")) if value else ""


def legal_bases_text(record: PublishedUseCase) -> str:
    return "; ".join(
        " ".join(filter(None, (basis.get("provision"), basis.get("law"))))
        for basis in record.legal_bases
    )


def data_sources_text(record: PublishedUseCase) -> str:
    return "; ".join(
        " – ".join(filter(None, (source.get("name"), source.get("register"))))
        for source in record.data_sources
    )


def oversight_text(record: PublishedUseCase) -> str:
    return paragraphs(
        ("", choice_label(UseCase.OversightMode.choices, record.oversight_mode)),
        ("Aufsicht durch", record.oversight_role),
        ("Ergebnisse können übersteuert werden", _yes_no(record.oversight_can_override)),
        ("System kann angehalten werden", _yes_no(record.oversight_can_stop)),
    )


def model_card_text(record: PublishedUseCase) -> str:
    return paragraphs(
        ("Technik", choice_label(AISystem.Technique.choices, record.technique)),
        ("KI-System", " ".join(filter(None, (record.ai_system_name, record.product)))),
        ("Modell", " ".join(filter(None, (record.model_name, record.model_version)))),
        ("Aufgabe", record.model_task),
        ("Eingaben", record.model_inputs),
        ("Ausgaben", record.model_outputs),
        ("Leistungsfähigkeit", record.model_performance),
        ("Bekannte Grenzen", record.model_limitations),
    )


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("ja" if value else "nein")


def withheld_text(record: PublishedUseCase) -> str:
    labels = dict(WithheldField.Field.choices)
    return "; ".join(
        f"{german(labels.get(group, group))}: {reason}"
        for group, reason in (record.withheld or {}).items()
    )
