"""Which history rows the log holds, in which tree, and the canonical bytes of each leaf.

Every model with django-simple-history's `HistoricalRecords` is covered without being named
here: its tree follows from its fields (`organisation`, or a foreign key to a model that has
one; else the installation's tree). `PUBLIC_MODELS` are the public records, whose history is
the public change log and goes into the organisation's public tree.

A leaf's data is ASCII JSON with sorted keys and no spaces: the tree, the history model, the
row's history id, object id, type and time, and its fields (actor and reason included). In the
public trees each field is a digest `SHA-256(0x02 || salt_f || value)`, where
`salt_f = HMAC-SHA256(leaf salt, field name)` and `value` is the field's canonical JSON: a
verifier who is given a field's salt and value can check it, and a field whose salt stays
secret (withheld, or who and why) reveals nothing. In the other trees the leaf holds the values
and the leaf's secret salt itself (README, "Verifiable change log").
"""

import datetime
import decimal
import functools
import hashlib
import hmac
import json
import operator
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import F, OuterRef, Subquery, Value

# The public records: their history is what the public change log shows.
PUBLIC_MODELS = frozenset({"registry.publishedusecase"})
# Tracked models whose rows may belong to no organisation, and so to the installation's tree.
# A new tracked model without a way to an organisation must be added here deliberately;
# tests/ledger/test_coverage.py fails until it is.
INSTALLATION_MODELS = frozenset({"accounts.claimmappingrule"})

HISTORY_KEYS = frozenset({"history_id", "history_date", "history_type"})
LEAF_FORMAT = 1


@dataclass(frozen=True)
class M2MHistory:
    """The rows an M2M field had at a version, stored by simple-history beside the history row."""

    name: str
    model: type[models.Model]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class TrackedModel:
    """A history-tracked model as the log sees it."""

    label: str
    model: type[models.Model]
    history_model: type[models.Model]
    fields: tuple[str, ...]
    m2m: tuple[M2MHistory, ...]
    public: bool
    # Where the organisation's id comes from ("" : the installation's tree).
    organisation_path: str

    @property
    def history_label(self) -> str:
        return self.history_model._meta.label_lower

    def parent(self) -> tuple[str, type[models.Model]] | None:
        """For a child model (organisation via a foreign key): the key and its parent's rows
        (the parent's history, so that deleted parents still resolve)."""
        if "." not in self.organisation_path:
            return None
        fk_attname, target_label = self.organisation_path.split(".", 1)
        target = apps.get_model(target_label)
        return fk_attname, _history_model_of(target) or target

    def organisation_expression(self) -> Any:
        """An expression over the history model giving the row's organisation id."""
        if not self.organisation_path:
            return Value(None, output_field=models.BigIntegerField())
        parent = self.parent()
        if parent is None:
            return F(self.organisation_path)
        fk_attname, source = parent
        return Subquery(
            source._default_manager.filter(id=OuterRef(fk_attname))
            .order_by("-pk")
            .values("organisation_id")[:1]
        )


def _history_model_of(model: type[models.Model]) -> type[models.Model] | None:
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    if attribute is None:
        return None
    history_model: type[models.Model] = getattr(model, attribute).model
    return history_model


def _organisation_path(model: type[models.Model]) -> str:
    label = model._meta.label_lower
    if label == "accounts.organisation":
        return "id"
    relations = [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
    for field in relations:
        if field.name == "organisation":
            return field.attname
    for field in relations:
        target = field.related_model
        if isinstance(target, type) and any(
            f.name == "organisation" for f in target._meta.concrete_fields
        ):
            return f"{field.attname}.{target._meta.label_lower}"
    return ""


def _m2m_histories(
    history_model: type[models.Model], model: type[models.Model]
) -> list[M2MHistory]:
    """simple-history's tables of M2M rows per version (`<HistoricalModel>_<field>`)."""
    found = []
    for field in getattr(history_model, "_history_m2m_fields", ()):
        name = f"{history_model._meta.object_name}_{field.name}"
        m2m_model = apps.get_model(history_model._meta.app_label, name)
        columns = tuple(
            f.attname
            for f in m2m_model._meta.concrete_fields
            if f.name not in {"history", "id", m2m_model._meta.pk.name}
            and not (f.is_relation and f.related_model is model)
        )
        found.append(M2MHistory(field.name, m2m_model, columns))
    return found


@functools.cache
def tracked_models() -> tuple[TrackedModel, ...]:
    """Every model with history, as the log covers it, in a stable order."""
    result = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        history_model = _history_model_of(model)
        if history_model is None:
            continue
        fields = tuple(
            f.attname for f in history_model._meta.concrete_fields if f.attname not in HISTORY_KEYS
        )
        result.append(
            TrackedModel(
                label=model._meta.label_lower,
                model=model,
                history_model=history_model,
                fields=fields,
                m2m=tuple(_m2m_histories(history_model, model)),
                public=model._meta.label_lower in PUBLIC_MODELS,
                organisation_path=_organisation_path(model),
            )
        )
    return tuple(result)


@functools.cache
def by_history_model() -> dict[type[models.Model], TrackedModel]:
    return {t.history_model: t for t in tracked_models()}


@functools.cache
def by_history_label() -> dict[str, TrackedModel]:
    return {t.history_label: t for t in tracked_models()}


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
)
_PLAIN = frozenset({str, int, bool, type(None)})


def canonical_json(value: Any) -> bytes:
    """The one JSON form the log hashes: ASCII, sorted keys, no spaces."""
    return _ENCODER.encode(value).encode("ascii")


def canonical_value(value: Any) -> Any:
    """A field's value as JSON: times in UTC with microseconds, dates ISO, decimals as text."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.UTC)
        if utc.year >= 1000:
            # The same text as the format below (which pads no year before 1000), faster.
            return utc.isoformat(timespec="microseconds")[:26] + "Z"
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def field_salt(leaf_salt: bytes, name: str) -> bytes:
    return hmac.digest(leaf_salt, name.encode("ascii"), "sha256")


def field_digest(salt: bytes, value_json: bytes) -> str:
    return hashlib.sha256(b"\x02" + salt + value_json).hexdigest()


def field_values(
    tracked: TrackedModel, row: Mapping[str, Any], m2m: Mapping[str, Any]
) -> dict[str, bytes]:
    """Each field of a history row (and its M2M rows) as canonical JSON bytes."""
    values = {name: canonical_json(canonical_value(row[name])) for name in tracked.fields}
    for relation in tracked.m2m:
        values[relation.name] = canonical_json(m2m.get(relation.name, []))
    return values


def leaf_document(
    tracked: TrackedModel,
    log_id: str,
    row: Mapping[str, Any],
    values: Mapping[str, bytes],
    salt: bytes,
) -> dict[str, Any]:
    return {
        **_head(tracked, log_id, row),
        "fields": {
            name: field_digest(field_salt(salt, name), value) for name, value in values.items()
        },
    }


def _head(tracked: TrackedModel, log_id: str, row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "v": LEAF_FORMAT,
        "log": log_id,
        "model": tracked.label,
        "history_id": row["history_id"],
        "object_id": canonical_value(row[tracked.model._meta.pk.attname]),
        "history_type": row["history_type"],
        "history_date": canonical_value(row["history_date"]),
    }


def leaf_data(
    tracked: TrackedModel,
    log_id: str,
    row: Mapping[str, Any],
    m2m: Mapping[str, Any],
    salt: bytes,
) -> bytes:
    """The canonical bytes of a history row's leaf (its hash is `merkle.leaf_hash` of them).

    A public record's leaf commits to each field separately (`leaf_document`), so the public
    download can reveal some fields and not others. Every other leaf carries the values
    themselves with the leaf's secret salt: only the server (and auditors with `verify_history`)
    recompute it, and the salt keeps a published hash from being matched against guessed rows.
    """
    return leaf_codec(tracked).data(
        log_id, tuple(row[name] for name in row_columns(tracked)), m2m, salt
    )


def _json_scalar(value: Any) -> bytes:
    """`canonical_json(value)` of a canonical value, without the encoder's set-up for scalars."""
    kind = type(value)
    if kind is str:
        # What `JSONEncoder.encode` itself does for a string with `ensure_ascii`.
        return encode_basestring_ascii(value).encode("ascii")
    if kind is int:
        return int.__repr__(value).encode("ascii")  # the encoder's own form of an int
    if value is None:
        return b"null"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    return canonical_json(value)


def _needs_canonical_value(field: models.Field[Any, Any]) -> bool:
    """Whether the field's values can be anything but str, int, bool or None as read.

    For those `canonical_value` is the identity, so the bulk paths skip the call; every other
    field (times, dates, decimals, UUIDs, bytes, anything with a converter) goes through it.
    """
    while field.is_relation and field.many_to_one:
        target = getattr(field, "target_field", None)
        if target is None or target is field:
            break
        field = target
    if hasattr(field, "from_db_value"):
        return True
    return not isinstance(
        field, models.CharField | models.TextField | models.IntegerField | models.BooleanField
    )


# Encodes dicts in their own key order: for documents built with their keys already sorted and
# no nested objects, the same bytes as `_ENCODER` without sorting them again.
_PRESORTED = json.JSONEncoder(
    sort_keys=False, separators=(",", ":"), ensure_ascii=True, allow_nan=False
)


class LeafCodec:
    """A tracked model's leaf data from a history row as a tuple (`row_columns` order).

    This is the one implementation of the leaf format (`leaf_data` and the bulk paths all use
    it); it does per model once what does not depend on the row: which columns need
    `canonical_value`, the field names' bytes, the keys in sorted order. Where no value can be
    a JSON object (no JSON fields, no M2M lists), documents are built with sorted keys and
    encoded as they are. tests/ledger/test_leaf_format.py holds the format as first published
    and checks that every model's leaves are still those bytes.
    """

    def __init__(self, tracked: TrackedModel) -> None:
        self.label = tracked.label
        self.public = tracked.public
        self.m2m = tuple(relation.name for relation in tracked.m2m)
        columns = row_columns(tracked)
        self.object_position = columns.index(tracked.model._meta.pk.attname)
        by_attname = {f.attname: f for f in tracked.history_model._meta.concrete_fields}
        fields = sorted((name, position) for position, name in enumerate(columns) if position >= 3)
        convert = {name for name, _ in fields if _needs_canonical_value(by_attname[name])}
        self.names = tuple(name for name, _ in fields)
        self.getter = operator.itemgetter(*(position for _, position in fields))
        self.converted = tuple((name, position) for name, position in fields if name in convert)
        # For the public leaves: (name, its ASCII bytes, position, whether it needs converting).
        self.public_fields = tuple(
            (name, name.encode("ascii"), position, name in convert) for name, position in fields
        )
        # A JSON field's value may hold objects, and M2M lists are added after the fields.
        nested = self.m2m or any(hasattr(by_attname[name], "from_db_value") for name in self.names)
        self.encoder = _ENCODER if nested else _PRESORTED

    def data(self, log_id: str, row: Sequence[Any], m2m: Mapping[str, Any], salt: bytes) -> bytes:
        """The leaf data of `row` (history id, date, type, then the fields; more is ignored)."""
        if self.public:
            sha256 = hashlib.sha256
            # `field_salt` for each field: the HMAC keyed with the leaf's salt is set up once
            # and copied per field (half the cost of keying it anew each time).
            keyed = hmac.new(salt, digestmod="sha256")
            digests = {}
            for name, name_bytes, position, convert in self.public_fields:
                value = row[position]
                if convert:
                    value = canonical_value(value)
                field_key = keyed.copy()
                field_key.update(name_bytes)
                prefix = b"\x02" + field_key.digest()
                digests[name] = sha256(prefix + _json_scalar(value)).hexdigest()
            for name in self.m2m:
                value_json = canonical_json(m2m.get(name, []))
                digests[name] = sha256(b"\x02" + field_salt(salt, name) + value_json).hexdigest()
            # The keys in sorted order: the encoders give the same bytes.
            document = {
                "fields": digests,
                "history_date": canonical_value(row[1]),
                "history_id": row[0],
                "history_type": row[2],
                "log": log_id,
                "model": self.label,
                "object_id": canonical_value(row[self.object_position]),
                "v": LEAF_FORMAT,
            }
        else:
            values = dict(zip(self.names, self.getter(row), strict=True))
            for name, position in self.converted:
                values[name] = canonical_value(row[position])  # keeps the key's place
            for name in self.m2m:
                values[name] = m2m.get(name, [])
            document = {
                "history_date": canonical_value(row[1]),
                "history_id": row[0],
                "history_type": row[2],
                "log": log_id,
                "model": self.label,
                "object_id": canonical_value(row[self.object_position]),
                "salt": salt.hex(),
                "v": LEAF_FORMAT,
                "values": values,
            }
        return self.encoder.encode(document).encode("ascii")


@functools.cache
def leaf_codec(tracked: TrackedModel) -> LeafCodec:
    return LeafCodec(tracked)


def row_columns(tracked: TrackedModel) -> list[str]:
    return ["history_id", "history_date", "history_type", *tracked.fields]


def m2m_values(
    tracked: TrackedModel, history_ids: Iterable[int], using: str
) -> dict[int, dict[str, Any]]:
    """The M2M rows of these history rows, as sorted lists, by history id."""
    result: dict[int, dict[str, Any]] = {}
    ids = list(history_ids)
    if not tracked.m2m or not ids:
        return result
    for relation in tracked.m2m:
        rows = (
            relation.model._default_manager.using(using)
            .filter(history_id__in=ids)
            .values_list("history_id", *relation.columns)
        )
        collected: dict[int, list[Any]] = {}
        for history_id, *columns in rows:
            item = (
                canonical_value(columns[0])
                if len(columns) == 1
                else [canonical_value(c) for c in columns]
            )
            collected.setdefault(history_id, []).append(item)
        for history_id, items in collected.items():
            result.setdefault(history_id, {})[relation.name] = sorted(
                items, key=lambda i: canonical_json(i)
            )
    return result
