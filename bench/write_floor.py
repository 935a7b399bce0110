"""The write benchmark's floor: the rows a write leaves, written by hand-written SQL in one
transaction (bench.write; bench.settings only, like bench.instrumentation).

POST /__bench__/write-floor/ with a JSON body {"use_case", "actor", "token", "kind"} writes, in
one transaction on one connection, what the application writes for the same change:

- the use case row, locked (SELECT … FOR UPDATE) and updated (`technical_contact` for an edit,
  `workflow_state` for a transition);
- its history row (INSERT … SELECT from the row just written);
- the change log's leaf for that history row, the interior nodes it completes and the
  organisation's log tree head (locked and advanced with ledger.merkle, as ledger.services does);
- for a published use case: the public snapshot updated, its history row, the public tree's leaf;
- for a transition: the submission, sign-off or decision row (a sign-off or decision with a
  submission row of its own);
- one pending webhook delivery per active endpoint of the organisation.

No permission check, no validation, no serializer, no Celery message: what is left is the cost
of the rows themselves and of one HTTP round trip through Django.
Never enable this in production: it writes any use case without a login.
"""

import json
import os
import uuid
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from ledger import merkle

_COLUMNS: dict[str, list[str]] = {}
HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def _shared_columns(table: str, history: str) -> list[str]:
    """The columns a history table copies from its table (information_schema, read once)."""
    key = f"{table}:{history}"
    if key not in _COLUMNS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT h.column_name FROM information_schema.columns h "
                "JOIN information_schema.columns t ON t.column_name = h.column_name "
                "AND t.table_name = %s WHERE h.table_name = %s ORDER BY h.ordinal_position",
                [table, history],
            )
            _COLUMNS[key] = [row[0] for row in cursor.fetchall() if row[0] not in HISTORY_COLUMNS]
    return _COLUMNS[key]


def _history(cursor: Any, table: str, history: str, key: str, pk: int, actor: int) -> int:
    columns = ", ".join(f'"{name}"' for name in _shared_columns(table, history))
    cursor.execute(
        f"INSERT INTO {history} ({columns}, history_date, history_change_reason, "  # noqa: S608
        f"history_type, history_user_id) SELECT {columns}, now(), %s, '~', %s "
        f"FROM {table} WHERE {key} = %s RETURNING history_id",
        ["Benchmark-Untergrenze", actor, pk],
    )
    return int(cursor.fetchone()[0])


def _leaf(cursor: Any, scope: str, organisation: int, model: str, history_id: int) -> None:
    """The history row's leaf, the interior nodes it completes and the tree's new head.

    The hashing is ledger.merkle's (the tree must stay well-formed for the application's writes
    that follow); the leaf hashes a stand-in for the row instead of its canonical form.
    """
    cursor.execute(
        "SELECT id, size, frontier FROM ledger_logtree WHERE scope = %s AND organisation_id = %s "
        "FOR UPDATE",
        [scope, organisation],
    )
    row = cursor.fetchone()
    if row is None:
        cursor.execute(
            "INSERT INTO ledger_logtree (scope, organisation_id, size, root, frontier, "
            "updated_at) VALUES (%s, %s, 0, %s, ''::bytea, now()) "
            "ON CONFLICT DO NOTHING",
            [scope, organisation, merkle.EMPTY_ROOT],
        )
        cursor.execute(
            "SELECT id, size, frontier FROM ledger_logtree WHERE scope = %s "
            "AND organisation_id = %s FOR UPDATE",
            [scope, organisation],
        )
        row = cursor.fetchone()
    tree, size, packed = row
    frontier = merkle.Frontier.from_bytes(size, bytes(packed))
    salt = os.urandom(16)
    leaf = merkle.leaf_hash(salt + f"{model}:{history_id}".encode())
    nodes = frontier.append(leaf)
    cursor.execute(
        "INSERT INTO ledger_logleaf (tree_id, index, history_model, history_id, salt, "
        "leaf_hash, history_date) VALUES (%s, %s, %s, %s, %s, %s, now())",
        [tree, size, model, history_id, salt, leaf],
    )
    if nodes:
        cursor.executemany(
            "INSERT INTO ledger_lognode (tree_id, level, index, hash) VALUES (%s, %s, %s, %s)",
            [(tree, level, index, digest) for level, index, digest in nodes],
        )
    cursor.execute(
        "UPDATE ledger_logtree SET size = %s, root = %s, frontier = %s, updated_at = now() "
        "WHERE id = %s",
        [frontier.size, frontier.root(), frontier.to_bytes(), tree],
    )


TRANSITION_ROWS = {
    "submit": (
        "INSERT INTO governance_submission (kind, submitted_at, note, previous_state, "
        "submitted_by_id, use_case_id) VALUES ('submitted', now(), '', %(state)s, %(actor)s, "
        "%(use_case)s)"
    ),
    # A sign-off and a decision need a submission of their own: the use case's real one has
    # them already (one per role, one decision), so the floor writes one row more than the app.
    "sign_off": (
        "WITH s AS (INSERT INTO governance_submission (kind, submitted_at, note, previous_state, "
        "submitted_by_id, use_case_id) VALUES ('submitted', now(), '', %(state)s, %(actor)s, "
        "%(use_case)s) RETURNING id) "
        "INSERT INTO governance_signoff (role, verdict, reason, signed_at, signed_by_id, "
        "use_case_id, submission_id) SELECT 'dpo', 'agree', '', now(), %(actor)s, "
        "%(use_case)s, s.id FROM s"
    ),
    "decide": (
        "WITH s AS (INSERT INTO governance_submission (kind, submitted_at, note, previous_state, "
        "submitted_by_id, use_case_id) VALUES ('submitted', now(), '', %(state)s, %(actor)s, "
        "%(use_case)s) RETURNING id) "
        "INSERT INTO governance_decision (outcome, rationale, decided_at, decided_by_id, "
        "use_case_id, submission_id) SELECT 'approved', 'Benchmark', now(), %(actor)s, "
        "%(use_case)s, s.id FROM s"
    ),
}


@csrf_exempt
def write_floor(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = json.loads(request.body)
    pk, actor, kind = int(body["use_case"]), int(body["actor"]), body.get("kind", "edit")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT organisation_id, workflow_state, title, department_id FROM registry_usecase "
            "WHERE id = %s FOR UPDATE",
            [pk],
        )
        organisation, state, title, department = cursor.fetchone()
        if kind == "edit":
            cursor.execute(
                "UPDATE registry_usecase SET technical_contact = %s, updated_at = now() "
                "WHERE id = %s",
                [str(body["token"])[:200], pk],
            )
        else:
            # The state is written back unchanged: the floor can be run many times.
            cursor.execute(
                "UPDATE registry_usecase SET workflow_state = %s, updated_at = now() WHERE id = %s",
                [state, pk],
            )
            cursor.execute(TRANSITION_ROWS[kind], {"state": state, "actor": actor, "use_case": pk})
        history_id = _history(
            cursor, "registry_usecase", "registry_historicalusecase", "id", pk, actor
        )
        _leaf(cursor, "internal", organisation, "registry.historicalusecase", history_id)
        cursor.execute(
            "UPDATE registry_publishedusecase SET published_at = now() WHERE use_case_id = %s "
            "RETURNING id",
            [pk],
        )
        if cursor.fetchone() is not None:
            public_id = _history(
                cursor,
                "registry_publishedusecase",
                "registry_historicalpublishedusecase",
                "use_case_id",
                pk,
                actor,
            )
            _leaf(cursor, "public", organisation, "registry.historicalpublishedusecase", public_id)
        event_id = str(uuid.uuid4())
        payload = json.dumps(
            {
                "id": event_id,
                "event": "use_case.changed",
                "use_case": {
                    "id": pk,
                    "title": title,
                    "workflow_state": state,
                    "department": department,
                    "url": f"/api/v1/use-cases/{pk}/",
                },
                "changed_fields": ["technical_contact"],
                "actor": {"id": actor},
            }
        )
        cursor.execute(
            "INSERT INTO registry_webhookdelivery (event, event_id, use_case_pk, payload, status, "
            "attempt_count, created_at, endpoint_id) SELECT 'use_case.changed', %s, %s, %s, "
            "'pending', 0, now(), e.id FROM registry_webhookendpoint e "
            "WHERE e.organisation_id = %s AND e.is_active",
            [event_id, pk, payload, organisation],
        )
        deliveries = cursor.rowcount
    return HttpResponse(
        json.dumps({"id": pk, "history_id": history_id, "deliveries": deliveries}),
        content_type="application/json",
    )
