"""The leaf format is published (README, "Verifiable change log"): whatever makes building it
faster must keep every byte. The reference below is format 1 as first published, kept here
unchanged; a change to it is a new format version (CONTRIBUTING)."""

import datetime
import decimal
import hashlib
import hmac
import json
import uuid
import zoneinfo
from typing import Any

import pytest
from django.db import models, transaction

from accounts import services as account_services
from ledger.leaves import (
    canonical_value,
    leaf_codec,
    leaf_data,
    m2m_values,
    row_columns,
    tracked_models,
)
from ledger.partition import Group, history_rows
from registry import services
from registry.publication import publish_use_case

# --- format 1, as first published -------------------------------------------------------------

_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
)
_PLAIN = frozenset({str, int, bool, type(None)})


def _canonical_json(value):
    return _ENCODER.encode(value).encode("ascii")


def _canonical_value(value):
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _head(tracked, log_id, row):
    return {
        "v": 1,
        "log": log_id,
        "model": tracked.label,
        "history_id": row["history_id"],
        "object_id": _canonical_value(row[tracked.model._meta.pk.attname]),
        "history_type": row["history_type"],
        "history_date": _canonical_value(row["history_date"]),
    }


def reference_leaf_data(tracked, log_id, row, m2m, salt):
    if tracked.public:
        values = {name: _canonical_json(_canonical_value(row[name])) for name in tracked.fields}
        for relation in tracked.m2m:
            values[relation.name] = _canonical_json(m2m.get(relation.name, []))
        fields = {
            name: hashlib.sha256(
                b"\x02" + hmac.digest(salt, name.encode("ascii"), "sha256") + value
            ).hexdigest()
            for name, value in values.items()
        }
        return _canonical_json({**_head(tracked, log_id, row), "fields": fields})
    document = {
        **_head(tracked, log_id, row),
        "salt": salt.hex(),
        "values": {name: _canonical_value(row[name]) for name in tracked.fields},
    }
    for relation in tracked.m2m:
        document["values"][relation.name] = m2m.get(relation.name, [])
    return _canonical_json(document)


# --- the checks -------------------------------------------------------------------------------

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
TEXT = 'Größe "x" \\ \u2028 Ω 😀'


def _value(field: models.Field, variant: int) -> Any:
    """A value of the field's type as the database returns it; variant 1 is None where allowed."""
    if variant == 1 and field.null:
        return None
    if field.is_relation:
        return 7 + variant
    if isinstance(field, models.DateTimeField):
        return datetime.datetime(2025, 3, 30, 2, 30, 5, variant * 999, tzinfo=BERLIN)
    if isinstance(field, models.DateField):
        return datetime.date(2024, 2, 29)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal("12.50")
    if isinstance(field, models.UUIDField):
        return uuid.UUID(int=variant + 1)
    if isinstance(field, models.BinaryField):
        return b"\x00\xff"
    if isinstance(field, models.JSONField):
        return {"b": [TEXT, 1, 2.5, None, True], "a": {"z": "", "ä": False}}
    if isinstance(field, models.BooleanField):
        return bool(variant)
    if isinstance(field, models.IntegerField):
        return -(2**40) if variant else 3
    return TEXT if not variant else ""


@pytest.mark.parametrize("variant", [0, 1])
def test_every_models_leaves_keep_the_published_bytes(variant):
    salt = bytes(range(16))
    for tracked in tracked_models():
        fields = {f.attname: f for f in tracked.history_model._meta.concrete_fields}
        row = {name: _value(fields[name], variant) for name in row_columns(tracked)}
        row["history_id"], row["history_type"] = 41 + variant, "~"
        m2m = {relation.name: [3, 1 + variant] for relation in tracked.m2m}
        as_tuple = tuple(row[name] for name in row_columns(tracked))
        expected = reference_leaf_data(tracked, "internal/5", row, m2m, salt)
        assert leaf_codec(tracked).data("internal/5", as_tuple, m2m, salt) == expected, tracked
        assert leaf_data(tracked, "internal/5", row, m2m, salt) == expected, tracked


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 12, 1, 17, 0, tzinfo=BERLIN),
        datetime.datetime(2026, 6, 1, 0, 0, 0, 1, tzinfo=datetime.UTC),
        datetime.datetime(999, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        datetime.datetime(1000, 1, 1, 0, 0, tzinfo=datetime.UTC),
        datetime.date(999, 12, 31),
        decimal.Decimal("-0.10"),
        memoryview(b"ab"),
        2.5,
        [1, "ä"],
    ],
)
def test_canonical_values_keep_their_published_form(value):
    assert canonical_value(value) == _canonical_value(value)


def test_rows_read_in_bulk_give_the_bytes_of_rows_read_one_by_one(
    board_member, use_case, organisation, department_head, department
):
    # The bulk paths read rows as tuples (on PostgreSQL with psycopg's own timestamp loader);
    # the hook reads them through Django's `values()`. Both must hash the same bytes.
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="Rechtsgrundlage ergänzt",
        key="legal_bases",
        rows=[{"law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e"}],
    )
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    account_services.grant_role(
        department_head,
        organisation=organisation,
        role="auditor",
        actor=None,
        reason="Prüfung",
        departments=[department],
    )
    salt = bytes(16)
    compared = 0
    with transaction.atomic():
        for tracked in tracked_models():
            for group in (Group(), Group(installation=True)):
                for row, _organisation, m2m in history_rows(
                    tracked, group, "default", order=("history_id",)
                ):
                    one = tracked.history_model.objects.values(*row_columns(tracked)).get(
                        history_id=row[0]
                    )
                    one_m2m = m2m_values(tracked, [row[0]], "default").get(row[0], {})
                    assert m2m == one_m2m
                    expected = reference_leaf_data(tracked, "public/1", one, one_m2m, salt)
                    assert leaf_codec(tracked).data("public/1", row, m2m, salt) == expected
                    compared += 1
    assert compared >= 6
