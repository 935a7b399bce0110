"""Benchmark-only instrumentation, installed only by bench.settings (`make bench`).

- `QueryCountMiddleware` counts the SQL statements of each request and returns the count in the
  `X-Bench-Queries` header (`X-Bench-Cold: 1` empties the worker's cache first); for streamed
  responses, and for requests sent with `X-Bench-Trace: 1`, it appends the count (and the
  statements) to KI_REGISTER_BENCH_LOG.
- `/__bench__/constant/` is a bare view returning a constant; `/__bench__/floor/<name>/` runs the
  hand-written SQL that fetches the rows an operation shows and returns them with json.dumps.
  Both are the floor the benchmark compares each operation with.

Never enable this in production: the floor views read any user's rows without a login.
"""

import json
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

_log_lock = threading.Lock()


def _append_log(entry: dict[str, Any]) -> None:
    target = os.environ.get("KI_REGISTER_BENCH_LOG")
    if not target:
        return
    line = json.dumps(entry, default=str) + "\n"
    with _log_lock, open(target, "a", encoding="utf-8") as log:
        log.write(line)


class _Counter:
    def __init__(self, trace: bool) -> None:
        self.count = 0
        self.trace = trace
        self.statements: list[str] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        if self.trace and not many:
            try:
                self.statements.append(connection.ops.compose_sql(sql, params))  # type: ignore[attr-defined]
            except Exception:
                self.statements.append(sql)
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("X-Bench-Cold") == "1":
            # Count what a request costs that no cached page or count can answer.
            cache.clear()
        counter = _Counter(trace=request.headers.get("X-Bench-Trace") == "1")
        request_id = request.headers.get("X-Bench-Id", "")
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        if isinstance(response, StreamingHttpResponse):
            content = response.streaming_content
            response.streaming_content = self._counted(content, counter, request_id)  # type: ignore[arg-type]
            return response
        response["X-Bench-Queries"] = str(counter.count)
        if counter.trace:
            _append_log({"id": request_id, "queries": counter.count, "sql": counter.statements})
        return response

    @staticmethod
    def _counted(content: Iterator[bytes], counter: _Counter, request_id: str) -> Iterator[bytes]:
        # A streamed body runs its queries after the middleware returned: count them as it flows.
        with connection.execute_wrapper(counter):
            yield from content
        _append_log({"id": request_id, "queries": counter.count, "sql": counter.statements})


def constant(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"ok": true}', content_type="application/json")


_PUBLIC_COLUMNS = (
    "p.id, p.use_case_id, p.title, p.short_description, p.department_name, p.status, "
    "p.risk_class, p.technique, p.ai_system_name, p.published_at, o.name AS organisation_name, "
    "o.slug AS organisation_slug"
)
_VISIBLE = (
    "uc.id IN (SELECT g.content_object_id FROM registry_usecasegroupobjectpermission g "
    "JOIN accounts_user_groups ug ON ug.group_id = g.group_id "
    "JOIN auth_permission ap ON ap.id = g.permission_id "
    "WHERE ug.user_id = %(user)s AND ap.codename = 'view_usecase')"
)
FLOORS: dict[str, str] = {
    # The front page: a search term in the title and one filter, first page by title.
    "public_search": (
        f"SELECT {_PUBLIC_COLUMNS} FROM registry_publishedusecase p "  # noqa: S608 - constants
        "JOIN accounts_organisation o ON o.id = p.organisation_id "
        "WHERE p.title ILIKE %(term)s AND p.risk_class = %(risk)s "
        "ORDER BY p.title, p.id LIMIT %(limit)s"
    ),
    "public_list": (
        f"SELECT {_PUBLIC_COLUMNS} FROM registry_publishedusecase p "  # noqa: S608 - constants
        "JOIN accounts_organisation o ON o.id = p.organisation_id "
        "ORDER BY p.id DESC LIMIT %(limit)s"
    ),
    "public_detail": (
        "SELECT p.*, o.name AS organisation_name FROM registry_publishedusecase p "
        "JOIN accounts_organisation o ON o.id = p.organisation_id WHERE p.use_case_id = %(id)s;"
        "SELECT h.history_id, h.history_date, h.history_type, h.status, h.title "
        "FROM registry_historicalpublishedusecase h WHERE h.use_case_id = %(id)s "
        "ORDER BY h.history_date DESC, h.history_id DESC"
    ),
    "use_case_list": (
        "SELECT uc.*, d.name AS department_name, o.name AS organisation_name "  # noqa: S608
        "FROM registry_usecase uc JOIN accounts_department d ON d.id = uc.department_id "
        f"JOIN accounts_organisation o ON o.id = uc.organisation_id WHERE {_VISIBLE} "
        "ORDER BY uc.id DESC LIMIT %(limit)s"
    ),
    # The API's list: the same page of use cases (newest change first, as the API orders them)
    # and every child row it shows, fetched by the page's ids (%(ids)s: the first query's ids).
    "use_case_api_list": (
        "SELECT uc.* FROM registry_usecase uc "  # noqa: S608 - constants
        f"WHERE {_VISIBLE} ORDER BY uc.updated_at DESC LIMIT %(limit)s;"
        + ";".join(
            f"SELECT * FROM {table} WHERE use_case_id = ANY(%(ids)s)"  # noqa: S608 - constants
            for table in (
                "registry_legalbasis",
                "registry_datasource",
                "registry_publicservice",
                "registry_withheldfield",
                "governance_obligationitem",
                "governance_submission",
                "governance_signoff",
                "governance_decision",
            )
        )
    ),
    "use_case_detail": (
        "SELECT uc.*, d.name AS department_name FROM registry_usecase uc "
        "JOIN accounts_department d ON d.id = uc.department_id WHERE uc.id = %(id)s;"
        "SELECT h.history_id, h.history_date, h.history_type, h.history_change_reason, "
        "h.workflow_state, h.history_user_id FROM registry_historicalusecase h "
        "WHERE h.id = %(id)s ORDER BY h.history_date DESC, h.history_id DESC"
    ),
}


# The board's dashboard (/gremium/) of one organisation (%(org)s) by hand-written SQL: the same
# counts, lists with their totals, top ideas with the formula's inputs, the outcome trend and
# quarterly series, the measurements due, in the same order and limits as the page.
_ORG_USE_CASES = "ARRAY(SELECT id FROM registry_usecase WHERE organisation_id = %(org)s)"
DASHBOARD_FLOOR = ";".join(
    (
        "SELECT workflow_state, count(*) FROM registry_usecase "
        "WHERE organisation_id = %(org)s GROUP BY 1",
        "SELECT risk_class, count(*) FROM registry_usecase "
        "WHERE organisation_id = %(org)s GROUP BY 1",
        "SELECT d.id, d.name, count(uc.id) FROM accounts_department d "
        "LEFT JOIN registry_usecase uc ON uc.department_id = d.id "
        "WHERE d.organisation_id = %(org)s GROUP BY d.id ORDER BY d.name",
        # Ready for a decision: the current round has the sign-offs its use case requires.
        "SELECT uc.id, uc.title, d.name, count(*) OVER () FROM registry_usecase uc "
        "JOIN accounts_department d ON d.id = uc.department_id "
        "CROSS JOIN LATERAL (SELECT s.id FROM governance_submission s WHERE s.use_case_id = uc.id "
        "ORDER BY s.submitted_at DESC, s.id DESC LIMIT 1) cur "
        "WHERE uc.organisation_id = %(org)s AND uc.workflow_state IN ('submitted', 'in_review') "
        "AND (NOT uc.processes_personal_data OR EXISTS (SELECT 1 FROM governance_signoff so "
        "WHERE so.submission_id = cur.id AND so.role = 'dpo')) "
        "AND EXISTS (SELECT 1 FROM governance_signoff so WHERE so.submission_id = cur.id "
        "AND so.role = 'iso') "
        "AND (NOT uc.monitors_staff OR EXISTS (SELECT 1 FROM governance_signoff so "
        "WHERE so.submission_id = cur.id AND so.role = 'staff_council')) "
        "ORDER BY uc.updated_at, uc.id LIMIT 20",
        "SELECT uc.id, uc.title, uc.next_review_date, d.name, count(*) OVER () "
        "FROM registry_usecase uc JOIN accounts_department d ON d.id = uc.department_id "
        "WHERE uc.organisation_id = %(org)s "
        "AND uc.workflow_state IN ('approved', 'in_operation', 'suspended') "
        "AND uc.next_review_date < %(today)s ORDER BY uc.next_review_date, uc.id LIMIT 20",
        "SELECT o.id, o.use_case_id, o.obligation, o.applies_from, o.applies_from_source, "
        "uc.title, uc.workflow_state, count(*) OVER () FROM governance_obligationitem o "
        "JOIN registry_usecase uc ON uc.id = o.use_case_id WHERE uc.organisation_id = %(org)s "
        "AND o.applies AND o.status = 'open' AND uc.workflow_state NOT IN ('rejected', 'retired') "
        "ORDER BY uc.title, o.use_case_id, o.obligation LIMIT 20",
        "SELECT dc.*, uc.title FROM governance_decision dc "  # noqa: S608 - constants
        "JOIN registry_usecase uc ON uc.id = dc.use_case_id "
        f"WHERE dc.use_case_id = ANY({_ORG_USE_CASES}) "
        "ORDER BY dc.decided_at DESC, dc.id DESC LIMIT 10",
        "SELECT rc.*, uc.title, count(*) OVER () FROM governance_reclassificationchange rc "
        "JOIN registry_usecase uc ON uc.id = rc.use_case_id WHERE uc.organisation_id = %(org)s "
        "ORDER BY rc.created_at DESC, rc.id DESC LIMIT 20",
        "SELECT * FROM governance_ailiteracymeasure WHERE organisation_id = %(org)s "
        "ORDER BY carried_out_on DESC, id DESC LIMIT 10",
        "SELECT i.*, uc.title AS use_case_title, (SELECT json_agg(r) FROM "
        "incidents_incidentreport r WHERE r.incident_id = i.id) AS reports "
        "FROM incidents_incident i JOIN registry_usecase uc ON uc.id = i.use_case_id "
        "WHERE uc.organisation_id = %(org)s AND (i.effect = 'serious' OR i.personal_data_involved) "
        "AND i.status <> 'closed'",
        # The top ideas: every idea's inputs (the score is a sum over them).
        "SELECT uc.id, uc.title, uc.status, uc.risk_class, uc.yearly_case_volume, "
        "uc.rule_clarity, uc.input_structure, d.name, "
        "(SELECT benefit FROM portfolio_candidaterating r WHERE r.use_case_id = uc.id), "
        "(SELECT effort FROM portfolio_candidaterating r WHERE r.use_case_id = uc.id), "
        "(SELECT count(DISTINCT ds.register) FROM registry_datasource ds "
        "WHERE ds.use_case_id = uc.id AND ds.register <> ''), "
        "(SELECT avg((SELECT sa.level FROM maturity_serviceassessment sa "
        "WHERE sa.organisation_id = uc.organisation_id AND sa.leika_key = ps.leika_key "
        "ORDER BY sa.assessed_at DESC, sa.id DESC LIMIT 1)) FROM registry_publicservice ps "
        "WHERE ps.use_case_id = uc.id) "
        "FROM registry_usecase uc JOIN accounts_department d ON d.id = uc.department_id "
        "WHERE uc.organisation_id = %(org)s AND uc.status = 'idea' "
        "AND uc.workflow_state NOT IN ('rejected', 'retired')",
        "SELECT DISTINCT ON (use_case_id, indicator_id, phase) use_case_id, indicator_id, "  # noqa: S608 - constants
        f"phase, value FROM portfolio_measurement WHERE use_case_id = ANY({_ORG_USE_CASES}) "
        "ORDER BY use_case_id, indicator_id, phase, period_end DESC, id DESC",
        # Per indicator and quarter over the use cases' means; per indicator its use cases.
        "WITH cell AS (SELECT indicator_id, use_case_id, extract(year FROM period_end) AS y, "  # noqa: S608 - constants
        "extract(quarter FROM period_end) AS q, round(avg(value), 2) AS mean, "
        "count(*) FILTER (WHERE phase = 'baseline') AS b FROM portfolio_measurement "
        f"WHERE use_case_id = ANY({_ORG_USE_CASES}) GROUP BY 1, 2, 3, 4) "
        "SELECT indicator_id, y, q, sum(mean), count(*), max(b) FROM cell GROUP BY 1, 2, 3 "
        "UNION ALL SELECT indicator_id, NULL, NULL, NULL, count(DISTINCT use_case_id), NULL "
        "FROM cell GROUP BY 1",
        "SELECT * FROM portfolio_indicator WHERE organisation_id = %(org)s "
        "OR organisation_id IS NULL ORDER BY name",
        # Measurements due: a baseline missing from the approval on, or none fresh for the review.
        "SELECT uc.id, uc.title, uc.next_review_date, d.name FROM registry_usecase uc "
        "JOIN accounts_department d ON d.id = uc.department_id "
        "WHERE uc.organisation_id = %(org)s AND ("
        "(uc.workflow_state IN ('approved', 'in_operation', 'suspended') AND NOT EXISTS "
        "(SELECT 1 FROM portfolio_measurement m WHERE m.use_case_id = uc.id "
        "AND m.phase = 'baseline')) OR (uc.workflow_state IN ('in_operation', 'suspended') "
        "AND uc.next_review_date <= %(today)s::date + 30 AND NOT EXISTS (SELECT 1 FROM "
        "portfolio_measurement m WHERE m.use_case_id = uc.id AND m.phase = 'follow_up' "
        "AND m.period_end >= uc.next_review_date - 92))) "
        "ORDER BY uc.next_review_date, uc.title, uc.id LIMIT 10",
    )
)
FLOORS["board_dashboard"] = DASHBOARD_FLOOR


# The personas of issue 16. A persona's rows are those of the organisations where it holds a
# role plus its single-person grants (%(orgs)s, %(direct)s: read first), or every row for the
# operator (`all=1`).
_PERSONA_VISIBLE = "(uc.organisation_id = ANY(%(orgs)s) OR uc.id = ANY(%(direct)s))"
_SEARCHED = (
    "to_tsvector('german'::regconfig, COALESCE(uc.title, '') || ' ' || "
    "COALESCE(uc.short_description, '') || ' ' || COALESCE(uc.purpose, '')) "
    "@@ websearch_to_tsquery('german'::regconfig, %(q)s)"
)
_CHILD_TABLES = (
    "registry_legalbasis",
    "registry_datasource",
    "registry_publicservice",
    "registry_withheldfield",
    "governance_obligationitem",
    "governance_submission",
    "governance_signoff",
    "governance_decision",
)
_CHILDREN = ";".join(
    f"SELECT * FROM {table} WHERE use_case_id = ANY(%(ids)s)"  # noqa: S608 - constants
    for table in _CHILD_TABLES
)
# Constants only: {visible} is replaced by _PERSONA_VISIBLE or TRUE.
PERSONA_FLOORS: dict[str, str] = {
    "persona_list": (
        "SELECT uc.* FROM registry_usecase uc WHERE {visible} "  # noqa: S608
        "ORDER BY uc.updated_at DESC, uc.id DESC LIMIT %(limit)s;" + _CHILDREN
    ),
    "persona_search": (
        f"SELECT uc.* FROM registry_usecase uc WHERE {{visible}} AND {_SEARCHED} "  # noqa: S608
        "ORDER BY uc.updated_at DESC, uc.id DESC LIMIT %(limit)s;" + _CHILDREN
    ),
    "persona_detail": (
        "SELECT uc.* FROM registry_usecase uc WHERE {visible} AND uc.id = %(id)s;"  # noqa: S608
        + _CHILDREN
    ),
}


def _persona_params(request: HttpRequest, params: dict[str, Any]) -> str:
    if request.GET.get("all") == "1":
        return "TRUE"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT organisation_id FROM accounts_membership WHERE user_id = %s", [params["user"]]
        )
        params["orgs"] = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT p.content_object_id FROM registry_usecaseuserobjectpermission p "
            "JOIN auth_permission ap ON ap.id = p.permission_id "
            "WHERE p.user_id = %s AND ap.codename = 'view_usecase'",
            [params["user"]],
        )
        params["direct"] = [int(row[0]) for row in cursor.fetchall()]
    return _PERSONA_VISIBLE


def persona_floor(request: HttpRequest, name: str) -> HttpResponse:
    """The rows of a persona's list, search or detail by hand-written SQL, as JSON."""
    template = PERSONA_FLOORS.get(name)
    if template is None:
        raise Http404
    params: dict[str, Any] = {
        "user": int(request.GET.get("user", 0)),
        "id": int(request.GET.get("id", 0)),
        "limit": int(request.GET.get("limit", 50)),
        "q": request.GET.get("q", ""),
    }
    statements = template.replace("{visible}", _persona_params(request, params))
    result: list[list[dict[str, Any]]] = []
    with connection.cursor() as cursor:
        for statement in statements.split(";"):
            if result and "%(ids)s" in statement:
                params["ids"] = [row["id"] for row in result[0]]
            cursor.execute(statement, params)
            columns = [c.name for c in cursor.description]
            result.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
    body = json.dumps(result, default=str, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json")


def persona_full_read(request: HttpRequest) -> StreamingHttpResponse:
    """Every row a persona may see with its child rows, as NDJSON, in chunks of 1,000 in the
    bulk read's order (updated_at, id); `updated_after` (ISO 8601) keeps the newer ones only."""
    params: dict[str, Any] = {"user": int(request.GET.get("user", 0))}
    visible = _persona_params(request, params)
    statement = (
        f"SELECT uc.* FROM registry_usecase uc WHERE {visible} "  # noqa: S608 - constants
        "AND (uc.updated_at, uc.id) > (%(since)s, %(after)s) "
        "ORDER BY uc.updated_at, uc.id LIMIT 1000"
    )
    since = request.GET.get("updated_after")

    def rows() -> Iterator[bytes]:
        # From the start, or from the first row changed at `since` (the export's >= bound).
        params["since"] = since or "-infinity"
        params["after"] = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                columns = [c.name for c in cursor.description]
                chunk = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
                if not chunk:
                    return
                ids = [row["id"] for row in chunk]
                by_id = {row["id"]: row for row in chunk}
                for table in _CHILD_TABLES:
                    cursor.execute(
                        f"SELECT * FROM {table} WHERE use_case_id = ANY(%s)",  # noqa: S608
                        [ids],
                    )
                    names = [c.name for c in cursor.description]
                    for child in cursor.fetchall():
                        record = dict(zip(names, child, strict=True))
                        by_id[record["use_case_id"]].setdefault(table, []).append(record)
            yield b"".join(
                json.dumps(row, default=str, ensure_ascii=False).encode() + b"\n" for row in chunk
            )
            params["since"] = chunk[-1]["updated_at"]
            params["after"] = ids[-1]

    return StreamingHttpResponse(rows(), content_type="application/x-ndjson")


def floor(request: HttpRequest, name: str) -> HttpResponse:
    statements = FLOORS.get(name)
    if statements is None:
        raise Http404
    params: dict[str, Any] = {
        "user": int(request.GET.get("user", 0)),
        "id": int(request.GET.get("id", 0)),
        "limit": int(request.GET.get("limit", 50)),
        "term": f"%{request.GET.get('term', '')}%",
        "risk": request.GET.get("risk", ""),
        "org": int(request.GET.get("org", 0)),
        "today": timezone.localdate(),
    }
    result: list[list[dict[str, Any]]] = []
    with connection.cursor() as cursor:
        for statement in statements.split(";"):
            if result and "%(ids)s" in statement:
                params["ids"] = [row["id"] for row in result[0]]
            cursor.execute(statement, params)
            columns = [c.name for c in cursor.description]
            result.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
    body = json.dumps(result, default=str, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json")
