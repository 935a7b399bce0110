"""The streamed bulk read of the use cases a caller may see (NDJSON and CSV), in constant memory.

Each record is the API's representation of the use case (the serializer's fields and formats),
built from `values()` rows without DRF's per-row machinery: a serializer's fields are read once
into a `Representation`, which then converts plain rows. The rows are read in chunks by
(updated_at, id), so memory stays that of one chunk however many records the caller sees, and
the list's `updated_after` filter lets an integrator fetch only what changed since its last read.
"""

import csv
import datetime
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.db.models.base import ModelState
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from registry.expressions import one_of
from registry.models import UseCase
from registry.public.opendata import spreadsheet_safe

CHUNK_SIZE = 1000
# Field classes whose representation of a stored value is the value itself.
_AS_STORED: tuple[type[serializers.Field], ...] = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
    serializers.JSONField,
)


class _InZone:
    """DRF's DateTimeField.to_representation (ISO 8601, aware values) with the zone looked up
    once per chunk instead of once per value (asgiref's locals cost more than the rest)."""

    def __call__(self, value: datetime.datetime, zone: datetime.tzinfo) -> str:
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


_IN_ZONE = _InZone()


def _as_stored(item: serializers.Field) -> bool:
    """Whether a field represents a stored value as the value itself."""
    if isinstance(item, serializers.BigIntegerField):
        # DRF gives big integers as strings only when told to.
        return not getattr(item, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    return type(item) in _AS_STORED or isinstance(item, serializers.CharField)


def _in_zone(item: serializers.Field) -> bool:
    """Whether a field is a plain ISO 8601 DateTimeField _InZone represents exactly."""
    return (
        type(item) is serializers.DateTimeField
        and not hasattr(item, "timezone")
        and getattr(item, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and settings.USE_TZ
    )


@dataclass
class Representation:
    """How one serializer represents a model's rows: columns read by `values()`, converted
    field by field, and nested collections read with one query per collection and chunk."""

    model: type[Model]
    # (key, source column, conversion); None: the stored value is the representation.
    columns: list[tuple[str, str, Callable[..., Any] | None]] = field(default_factory=list)
    children: list[tuple[str, str, str, "Representation"]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    # SerializerMethodFields: computed from a model instance built of the row's plain fields.
    computed: list[tuple[str, Callable[[Any], Any]]] = field(default_factory=list)

    @classmethod
    def of(cls, serializer: serializers.Serializer) -> "Representation":
        model = serializer.Meta.model
        built = cls(model)
        for name, item in serializer.fields.items():
            if item.write_only:
                continue
            built.names.append(name)
            if isinstance(item, serializers.SerializerMethodField):
                built.computed.append((name, getattr(serializer, item.method_name)))
            elif isinstance(item, serializers.ListSerializer):
                child = item.child
                assert isinstance(child, serializers.Serializer)
                relation = model._meta.get_field(item.source)
                parent_key = relation.remote_field.name
                built.children.append((name, item.source, parent_key, cls.of(child)))
            elif isinstance(item, serializers.RelatedField):
                # Related records are given by their ids, as `values()` reads them.
                built.columns.append((name, item.source, None))
            elif _as_stored(item):
                built.columns.append((name, item.source, None))
            elif _in_zone(item):
                built.columns.append((name, item.source, _IN_ZONE))
            else:
                built.columns.append((name, item.source, item.to_representation))
        return built

    @classmethod
    def cached(
        cls, serializer_class: type[serializers.Serializer], fields: tuple[str, ...] | None = None
    ) -> "Representation":
        """The representation of a serializer class (narrowed to `fields`), built once: DRF
        builds a model serializer's fields anew for every instance, which costs more than a
        page of queries."""
        return _cached(serializer_class, fields)

    def narrowed(self, names: Sequence[str]) -> "Representation":
        """The same representation with only the named keys."""
        wanted = set(names)
        return Representation(
            self.model,
            [column for column in self.columns if column[0] in wanted],
            [child for child in self.children if child[0] in wanted],
            [name for name in self.names if name in wanted],
            [entry for entry in self.computed if entry[0] in wanted],
        )

    @property
    def sources(self) -> list[str]:
        """The columns to read, the primary key first (the children are found by it)."""
        return list(
            dict.fromkeys(
                ["id", *(source for _name, source, _c in self.columns), *self._plain_fields]
            )
        )

    @cached_property
    def _plain_fields(self) -> list[str]:
        """The fields a computed value may read (none when nothing is computed)."""
        if not self.computed:
            return []
        return [f.name for f in self.model._meta.concrete_fields if not f.is_relation]

    @cached_property
    def _unread(self) -> dict[str, None]:
        """The other columns of a computed field's instance, None as __init__ would set a
        relation's id (reading a missing one would load the row from the database)."""
        plain = set(self._plain_fields)
        return {f.attname: None for f in self.model._meta.concrete_fields if f.name not in plain}

    def row_of(self, instance: Model) -> dict[str, Any]:
        """A model instance as the row `values()` would have read."""
        attnames = {f.name: f.attname for f in self.model._meta.concrete_fields}
        return {source: getattr(instance, attnames[source]) for source in self.sources}

    def convert(self, row: dict[str, Any], zone: datetime.tzinfo | None = None) -> dict[str, Any]:
        zone = zone or timezone.get_current_timezone()
        document = {
            name: value
            if (value := row[source]) is None or convert is None
            else (convert(value, zone) if convert is _IN_ZONE else convert(value))
            for name, source, convert in self.columns
        }
        if self.computed:
            instance = self._instance({name: row[name] for name in self._plain_fields})
            for name, method in self.computed:
                document[name] = method(instance)
        return document

    def _instance(self, values: dict[str, Any]) -> Model:
        """A model instance of plain stored values, for a computed field's method: built as
        Model.from_db leaves one (attributes and state), without __init__'s per-field
        defaults and signals, which cost more than the rest of the row."""
        instance = self.model.__new__(self.model)
        instance._state = ModelState()
        instance._state.adding = False
        instance.__dict__.update(self._unread)
        instance.__dict__.update(values)
        return instance

    def documents(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The representations of the rows, with their nested collections."""
        zone = timezone.get_current_timezone()
        documents = [self.convert(row, zone) for row in rows]
        ids = [row["id"] for row in rows]
        for name, relation, parent_key, child in self.children:
            related = self.model._meta.get_field(relation).related_model
            assert related is not None and not isinstance(related, str)
            grouped: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
            child_rows = related._default_manager.filter(one_of(f"{parent_key}_id", ids)).values(
                parent_key, *child.sources
            )
            for child_row in child_rows:
                grouped[child_row[parent_key]].append(child.convert(child_row, zone))
            for document, pk in zip(documents, ids, strict=True):
                document[name] = grouped[pk]
        return documents


_BUILT: dict[type[serializers.Serializer], Representation] = {}


def _cached(
    serializer_class: type[serializers.Serializer], fields: tuple[str, ...] | None
) -> Representation:
    # Only the whole representation is kept: `?fields=` combinations are the caller's to choose.
    if serializer_class not in _BUILT:
        _BUILT[serializer_class] = Representation.of(serializer_class())
    built = _BUILT[serializer_class]
    return built if fields is None else built.narrowed(fields)


def chunks(
    use_cases: QuerySet[UseCase], representation: Representation
) -> Iterator[list[dict[str, Any]]]:
    """The use cases' representations, oldest change first, a chunk at a time (keyset paging)."""
    size = CHUNK_SIZE
    rows = use_cases.order_by("updated_at", "id").values(*representation.sources)
    last: tuple[datetime.datetime, int] | None = None
    while True:
        page = rows
        if last is not None:
            # The >= bounds the index range; the OR alone would read it from its start again.
            page = rows.filter(
                Q(updated_at__gte=last[0]), Q(updated_at__gt=last[0]) | Q(id__gt=last[1])
            )
        chunk = list(page[:size])
        if not chunk:
            return
        yield representation.documents(chunk)
        if len(chunk) < size:
            return
        last = (chunk[-1]["updated_at"], chunk[-1]["id"])


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def ndjson_lines(documents: Iterator[list[dict[str, Any]]]) -> Iterator[bytes]:
    """One JSON object per line, a chunk per yielded piece."""
    for chunk in documents:
        yield b"".join(
            json.dumps(document, ensure_ascii=False, default=_json_default).encode() + b"\n"
            for document in chunk
        )


class _Buffer:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, value: str) -> None:
        self.parts.append(value)

    def take(self) -> bytes:
        text = "".join(self.parts)
        self.parts.clear()
        return text.encode()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        # Child rows and JSON fields as JSON in one cell.
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return spreadsheet_safe(str(value))


def csv_lines(columns: Sequence[str], documents: Iterator[list[dict[str, Any]]]) -> Iterator[bytes]:
    """A header, then one row per record; nested collections as JSON in their cell."""
    buffer = _Buffer()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    yield buffer.take()
    for chunk in documents:
        for document in chunk:
            writer.writerow([_cell(document.get(name)) for name in columns])
        yield buffer.take()
