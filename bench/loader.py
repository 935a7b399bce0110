"""Fill PostgreSQL with benchmark data through COPY.

This is the one place allowed to write tracked tables without the services: at national scale
(hundreds of thousands of use cases, millions of history rows) row-by-row saves would take hours.
It therefore writes every row the services would have left, itself: the history rows with users
and reasons, the guardian group-permission rows of
`registry.permissions.assign_default_permissions`,
the group memberships of `accounts.services.sync_user_groups`, and the public records of
`registry.publication.publish_use_case`. Columns it does not know get their model default, so
fields added later load without a change here unless they are required and have no default.
"""

import datetime
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.color import no_style
from django.db import connection, models
from django.utils.text import slugify
from psycopg import sql

from accounts.models import Department, Membership, Organisation, User
from bench import vocabulary as words
from governance.models import Decision, ObligationItem, RiskClassification, SignOff, Submission
from governance.risk import classify, parse_facts, to_json
from maturity.models import MaturityMeasure, ReadinessAssessment, ServiceAssessment
from maturity.questionnaires import (
    ASKED_CRITERIA,
    ASKED_DIMENSIONS,
    GOVERNANCE_BASICS,
    READINESS_MAX_LEVEL,
    READINESS_QUESTIONS,
    READINESS_VERSION,
    SERVICE_MAX_LEVEL,
    SERVICE_VERSION,
    governance_level,
    readiness_levels,
    service_level,
)
from portfolio.models import CandidateRating, Indicator, Measurement
from registry.models import (
    AccessGrant,
    AISystem,
    DataSource,
    LegalBasis,
    PublicService,
    PublishedUseCase,
    UseCase,
    UseCaseGroupObjectPermission,
    UseCaseUserObjectPermission,
    WithheldField,
)
from registry.permissions import (
    AUDITOR_PERMS,
    BOARD_PERMS,
    CHANGE,
    HEAD_PERMS,
    MEMBER_PERMS,
)
from registry.publication import _EMPTY, WITHHELD_GROUPS

MARKER_TABLE = "benchmark_dataset"


@dataclass(frozen=True)
class Tier:
    name: str
    organisations: int
    use_cases: int
    users: int


TIERS: dict[str, Tier] = {
    "S": Tier("S", organisations=50, use_cases=1_500, users=300),
    "M": Tier("M", organisations=11_200, use_cases=56_000, users=35_000),
    "L": Tier("L", organisations=11_200, use_cases=336_000, users=110_000),
}

# Where a use case ends its journey, and how often (weights).
FINAL_STATES: tuple[tuple[str, int], ...] = (
    ("draft", 18),
    ("submitted", 7),
    ("in_review", 9),
    ("changes_requested", 5),
    ("rejected", 3),
    ("approved", 13),
    ("in_operation", 40),
    ("retired", 5),
)
# The steps a use case passes on its way to each final state.
PATHS: dict[str, tuple[str, ...]] = {
    "draft": ("draft",),
    "submitted": ("draft", "submitted"),
    "in_review": ("draft", "submitted", "in_review"),
    "changes_requested": ("draft", "submitted", "in_review", "changes_requested"),
    "rejected": ("draft", "submitted", "in_review", "rejected"),
    "approved": ("draft", "submitted", "in_review", "approved"),
    "in_operation": ("draft", "submitted", "in_review", "approved", "in_operation"),
    "retired": ("draft", "submitted", "in_review", "approved", "in_operation", "retired"),
}
LIFECYCLE_STATUS = {
    "draft": "idea",
    "submitted": "planned",
    "in_review": "planned",
    "changes_requested": "planned",
    "rejected": "planned",
    "approved": "pilot",
    "in_operation": "in_operation",
    "retired": "retired",
}
RISK_CLASSES: tuple[tuple[str, int], ...] = (
    ("minimal", 45),
    ("transparency", 25),
    ("high_risk", 12),
    ("out_of_scope", 8),
    ("", 10),
)
# Roles of the people of one organisation after its first board member and department head.
ROLE_CYCLE = (
    "department_head",
    "department_head",
    "dpo",
    "iso",
    "staff_council",
    "auditor",
    "board",
    "department_head",
    "department_head",
    "board",
)

NULL = "\\N"

GOVERNANCE_BASICS_KEYS = tuple(basic.key for basic in GOVERNANCE_BASICS)
MEASURE_STATUSES = ("planned", "in_progress", "done", "dropped")
# Standard outcome indicators the generated organisations measure: kind, name, unit, and the
# range of the baseline value.
OUTCOME_INDICATORS = (
    ("processing_time", "Bearbeitungszeit (Median, Tage)", "Tage", 8.0, 40.0),
    ("follow_up_rate", "Rückfragen je Fall", "je Fall", 0.2, 1.5),
)

# Questionnaire answers that lead to each risk class; the engine derives class and obligations.
RISK_FACTS: dict[str, dict[str, Any]] = {
    "minimal": {"is_ai_system": True},
    "transparency": {"is_ai_system": True, "interacts_with_natural_persons": True},
    "high_risk": {"is_ai_system": True, "annex_iii_points": ["5a"]},
    "out_of_scope": {"is_ai_system": False},
}
# Decision steps and the outcome the board recorded.
DECISIONS = {
    "approved": "approved",
    "changes_requested": "changes_requested",
    "rejected": "rejected",
}


def _text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _bool(value: bool) -> str:
    return "t" if value else "f"


def _opt(value: object) -> str:
    return NULL if value is None else str(value)


def _constant(model_field: models.Field[Any, Any]) -> str:
    """The COPY text of a column the loader does not fill: the field's default."""
    if model_field.has_default():
        value = model_field.get_default()
    elif model_field.null:
        value = None
    elif isinstance(model_field, models.CharField | models.TextField):
        value = ""
    else:
        raise RuntimeError(
            f"{model_field.model.__name__}.{model_field.name} is required and has no default: "
            "teach bench/loader.py to fill it."
        )
    if value is None:
        return NULL
    if isinstance(value, bool):
        return _bool(value)
    if isinstance(value, dict | list):
        return _text(json.dumps(value, ensure_ascii=False))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _text(str(value))


class Copier:
    """A COPY … FROM STDIN into one table on its own connection, fed line by line."""

    def __init__(self, conninfo: str, model: type[models.Model], columns: Sequence[str]) -> None:
        concrete = model._meta.concrete_fields
        known = {f.column for f in concrete}
        missing = [c for c in columns if c not in known]
        if missing:
            raise RuntimeError(f"{model.__name__} has no columns {missing}")
        rest = [f for f in concrete if f.column not in set(columns)]
        self.tail = "".join("\t" + _constant(f) for f in rest)
        self.table = model._meta.db_table
        self.model = model
        self.rows = 0
        self._conn = psycopg.connect(conninfo)
        self._conn.execute("SET session_replication_role = replica")
        self._conn.execute("SET synchronous_commit = off")
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.table),
            sql.SQL(", ").join(sql.Identifier(c) for c in [*columns, *(f.column for f in rest)]),
        )
        self._context = self._conn.cursor().copy(statement)
        self._copy = self._context.__enter__()
        self._buffer: list[str] = []

    def add(self, line: str) -> None:
        """Queue one row given as its tab-separated explicit columns."""
        self._buffer.append(line + self.tail + "\n")
        self.rows += 1
        if len(self._buffer) >= 5000:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._copy.write("".join(self._buffer))
            self._buffer.clear()

    def close(self) -> None:
        self._flush()
        self._context.__exit__(None, None, None)
        self._conn.commit()
        self._conn.close()


def _allocate(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """Split `total` by weight, each share at least `minimum`, summing exactly to `total`."""
    spare = total - minimum * len(weights)
    if spare < 0:
        raise ValueError("total too small for the minimum")
    weight_sum = sum(weights)
    exact = [spare * w / weight_sum for w in weights]
    shares = [int(x) for x in exact]
    remainder = spare - sum(shares)
    by_fraction = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_fraction[:remainder]:
        shares[i] += 1
    return [minimum + s for s in shares]


@dataclass
class OrgPlan:
    id: int
    ags: str
    name: str
    contact_email: str
    board_group: int
    members_group: int
    auditors_group: int
    use_cases: int
    departments: list[tuple[int, str, int]] = field(default_factory=list)
    boards: list[int] = field(default_factory=list)
    heads_by_department: dict[int, list[int]] = field(default_factory=dict)
    others: list[int] = field(default_factory=list)
    reviewers: dict[str, list[int]] = field(default_factory=dict)
    # Filled while the use cases are generated, read by the maturity and outcome phase.
    services: dict[str, list[int]] = field(default_factory=dict)
    ideas: list[int] = field(default_factory=list)
    running: list[tuple[int, datetime.date]] = field(default_factory=list)


class Clock:
    """Timestamps between the data set's start and shortly before now, as COPY text."""

    def __init__(self) -> None:
        now = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)
        self.end = int(now.timestamp()) - 86_400
        self.start = int(datetime.datetime(2023, 1, 2, tzinfo=datetime.UTC).timestamp())
        self.today = now.date()

    @staticmethod
    def stamp(seconds: int) -> str:
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).isoformat()

    @staticmethod
    def day(seconds: int) -> datetime.date:
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).date()


@dataclass
class Report:
    tier: str
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def _conninfo() -> str:
    params = connection.settings_dict
    parts = {
        "dbname": params["NAME"],
        "user": params.get("USER") or "",
        "password": params.get("PASSWORD") or "",
        "host": params.get("HOST") or "",
        "port": str(params.get("PORT") or ""),
    }
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in parts.items() if v})


def _app_tables() -> list[str]:
    tables: set[str] = {
        Group._meta.db_table,
        Group.permissions.through._meta.db_table,
        "django_session",
        "django_admin_log",
        "guardian_userobjectpermission",
        "guardian_groupobjectpermission",
    }
    # The change log too: its leaves name history rows by id, and the ids start again at 1.
    for label in ("accounts", "registry", "governance", "ledger", "maturity", "portfolio"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
    return sorted(tables)


def reset_database(log: Callable[[str], None]) -> None:
    """Empty every table the loader fills, so a tier can be loaded again."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = [t for t in _app_tables() if t in existing]
        cursor.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE")
            .format(sql.SQL(", ").join(sql.Identifier(t) for t in tables))
            .as_string(None)
        )
        cursor.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")
    log(f"Emptied {len(tables)} tables.")


def database_is_empty() -> bool:
    return not (Organisation.objects.exists() or UseCase.objects.exists() or User.objects.exists())


def load(tier: Tier, *, seed: int, log: Callable[[str], None]) -> Report:
    """Load one tier into the (empty) database and return timings and row counts."""
    report = Report(tier=tier.name)
    started = time.monotonic()
    generator = _Generator(tier, seed=seed, conninfo=_conninfo(), log=log)
    generator.people()
    report.seconds["people"] = round(time.monotonic() - started, 1)
    mark = time.monotonic()
    generator.use_cases()
    report.seconds["use_cases"] = round(time.monotonic() - mark, 1)
    mark = time.monotonic()
    generator.path()
    report.seconds["maturity_and_outcomes"] = round(time.monotonic() - mark, 1)
    report.rows = generator.rows
    mark = time.monotonic()
    _reset_sequences(generator.models_loaded)
    _check_foreign_keys([m._meta.db_table for m in generator.models_loaded], log)
    report.seconds["foreign_key_check"] = round(time.monotonic() - mark, 1)
    mark = time.monotonic()
    _vacuum_analyze(log)
    report.seconds["vacuum_analyze"] = round(time.monotonic() - mark, 1)
    report.seconds["total"] = round(time.monotonic() - started, 1)
    _write_marker(report)
    return report


def _reset_sequences(loaded: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(loaded))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _check_foreign_keys(tables: list[str], log: Callable[[str], None]) -> None:
    """COPY ran without FK triggers; prove afterwards that every reference resolves."""
    with connection.cursor() as cursor:
        # Statistics first: the tables were emptied and refilled by COPY, and with the stale
        # statistics of an empty table the planner answers an anti-join by a nested loop over
        # both tables (hours at tier L) instead of a hash join.
        for table in tables:
            cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)).as_string(None))
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
              AND c.conrelid::regclass::text = ANY(%s)
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        broken = []
        for child, column, parent, parent_column in constraints:
            cursor.execute(
                f'SELECT count(*) FROM "{child}" c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608 - catalogue names
                f'(SELECT 1 FROM "{parent}" p WHERE p."{parent_column}" = c."{column}")'
            )
            orphans = cursor.fetchone()[0]
            if orphans:
                broken.append(f"{child}.{column} → {parent}: {orphans}")
    if broken:
        raise RuntimeError("Dangling references after loading: " + "; ".join(broken))
    log(f"All {len(constraints)} foreign keys of the loaded tables resolve.")


def _vacuum_analyze(log: Callable[[str], None]) -> None:
    # VACUUM sets the visibility map (index-only scans), ANALYZE gives the planner statistics.
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    log("VACUUM ANALYZE done.")


def _write_marker(report: Report) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(tier text NOT NULL, loaded_at timestamptz NOT NULL, summary jsonb NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608 - constant name
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, now(), %s)",  # noqa: S608 - constant name
            [report.tier, json.dumps({"seconds": report.seconds, "rows": report.rows})],
        )


def loaded_tier() -> dict[str, Any] | None:
    """The tier the database holds according to the loader's marker, if any."""
    with connection.cursor() as cursor:
        if MARKER_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(f"SELECT tier, loaded_at, summary FROM {MARKER_TABLE}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    summary = row[2] if isinstance(row[2], dict) else json.loads(row[2])
    return {"tier": row[0], "loaded_at": row[1].isoformat(), **summary}


def _weighted(options: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [o for o, _w in options], [w for _o, w in options]


class _Generator:
    def __init__(self, tier: Tier, *, seed: int, conninfo: str, log: Callable[[str], None]) -> None:
        self.tier = tier
        self.rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
        self.conninfo = conninfo
        self.log = log
        self.clock = Clock()
        self.rows: dict[str, int] = {}
        self.models_loaded: list[type[models.Model]] = []
        self.orgs: list[OrgPlan] = []
        self.perm_ids = dict(
            Permission.objects.filter(
                content_type__app_label="registry", content_type__model="usecase"
            ).values_list("codename", "pk")
        )
        # Every user's password is unusable: the benchmark logs people in through sessions.
        self.password = make_password(None)

    def _copier(self, model: type[models.Model], columns: Sequence[str]) -> Copier:
        if model not in self.models_loaded:
            self.models_loaded.append(model)
        return Copier(self.conninfo, model, columns)

    def _close(self, *copiers: Copier) -> None:
        for copier in copiers:
            copier.close()
            self.rows[copier.table] = self.rows.get(copier.table, 0) + copier.rows

    # People: organisations, departments, groups, users, memberships ------------------------

    def people(self) -> None:
        rng = self.rng
        tier = self.tier
        weights = [1.0 / (i + 20) for i in range(tier.organisations)]
        use_case_shares = _allocate(tier.use_cases, weights, 1)
        user_shares = _allocate(tier.users, weights, 2)
        groups = self._copier(Group, ["id", "name"])
        orgs = self._copier(
            Organisation,
            [
                "id", "name", "slug", "ags", "contact_email", "website", "board_group_id",
                "members_group_id", "auditors_group_id", "created_at",
            ],
        )  # fmt: skip
        departments = self._copier(Department, ["id", "organisation_id", "name", "heads_group_id"])
        users = self._copier(
            User,
            [
                "id", "password", "username", "first_name", "last_name", "email", "is_staff",
                "date_joined", "oidc_issuer", "oidc_subject",
            ],
        )  # fmt: skip
        memberships = self._copier(
            Membership, ["id", "user_id", "organisation_id", "role", "source"]
        )
        membership_departments = self._copier(
            Membership.departments.through, ["id", "membership_id", "department_id"]
        )
        user_groups = self._copier(User.groups.through, ["id", "user_id", "group_id"])
        group_id = department_id = user_id = membership_id = link_id = user_group_id = 0
        created = Clock.stamp(self.clock.start - 86_400 * 30)
        for index in range(tier.organisations):
            # AGS: Land (01–16), then a running six-digit number: unique and 8 digits.
            ags = f"{index % 16 + 1:02d}{index // 16:06d}"
            kind = words.ORGANISATION_KINDS[index % len(words.ORGANISATION_KINDS)]
            place = (
                rng.choice(words.PLACE_PREFIXES)
                + rng.choice(words.PLACE_ROOTS)
                + rng.choice(words.PLACE_SUFFIXES)
            )
            place = place[0].upper() + place[1:]
            name = f"{kind} {place}"
            slug = f"{slugify(place)[:60]}-{ags}"
            domain = f"{slugify(place)}.example"
            plan = OrgPlan(
                id=index + 1,
                ags=ags,
                name=name,
                contact_email=f"ki-register@{domain}",
                board_group=group_id + 1,
                members_group=group_id + 2,
                auditors_group=group_id + 3,
                use_cases=use_case_shares[index],
            )
            for offset, label in enumerate(("board", "members", "auditors")):
                groups.add(f"{group_id + offset + 1}\torg:{ags}:{label}")
            group_id += 3
            orgs.add(
                f"{plan.id}\t{_text(name)}\t{slug}\t{ags}\t{plan.contact_email}\t"
                f"https://www.{domain}\t{plan.board_group}\t{plan.members_group}\t"
                f"{plan.auditors_group}\t{created}"
            )
            department_count = min(len(words.DEPARTMENTS), 3 + plan.use_cases // 25)
            for name_index in rng.sample(range(len(words.DEPARTMENTS)), department_count):
                department_id += 1
                group_id += 1
                groups.add(f"{group_id}\torg:{ags}:dept:{rng.getrandbits(128):032x}")
                dept_name = words.DEPARTMENTS[name_index]
                departments.add(f"{department_id}\t{plan.id}\t{dept_name}\t{group_id}")
                plan.departments.append((department_id, dept_name, group_id))
                plan.heads_by_department[department_id] = []
            people = user_shares[index]
            roles = ["board", "department_head"] + [
                ROLE_CYCLE[i % len(ROLE_CYCLE)] for i in range(people - 2)
            ]
            heads = [i for i, role in enumerate(roles) if role == "department_head"]
            # Heads share the departments round robin: every department gets one when possible.
            head_departments: dict[int, list[tuple[int, str, int]]] = {i: [] for i in heads}
            for position, dept in enumerate(plan.departments):
                head_departments[heads[position % len(heads)]].append(dept)
            for position, dept in enumerate(plan.departments[: len(heads)]):
                owner = heads[position % len(heads)]
                if dept not in head_departments[owner]:
                    head_departments[owner].append(dept)
            for position, role in enumerate(roles):
                user_id += 1
                first = rng.choice(words.FIRST_NAMES)
                last = rng.choice(words.LAST_NAMES)
                username = f"{slugify(first)}.{slugify(last)}.{user_id}"
                users.add(
                    f"{user_id}\t{self.password}\t{username}\t{first}\t{last}\t"
                    f"{username}@{domain}\t{_bool(role in {'board', 'auditor'})}\t{created}\t"
                    f"https://idp.{domain}/realms/verwaltung\t{user_id:012d}"
                )
                membership_id += 1
                memberships.add(f"{membership_id}\t{user_id}\t{plan.id}\t{role}\toidc")
                wanted = [plan.members_group]
                if role == "board":
                    wanted.append(plan.board_group)
                    plan.boards.append(user_id)
                elif role == "auditor":
                    wanted.append(plan.auditors_group)
                    plan.others.append(user_id)
                elif role == "department_head":
                    for dept_id, _name, heads_group in head_departments[position]:
                        link_id += 1
                        membership_departments.add(f"{link_id}\t{membership_id}\t{dept_id}")
                        wanted.append(heads_group)
                        plan.heads_by_department[dept_id].append(user_id)
                else:
                    plan.others.append(user_id)
                    plan.reviewers.setdefault(role, []).append(user_id)
                for group in wanted:
                    user_group_id += 1
                    user_groups.add(f"{user_group_id}\t{user_id}\t{group}")
            self.orgs.append(plan)
        self._close(
            groups, orgs, departments, users, memberships, membership_departments, user_groups
        )
        self.log(
            f"{tier.organisations} organisations, {department_id} departments, "
            f"{user_id} users, {group_id} groups."
        )

    # Use cases with everything that hangs off them --------------------------------------

    def use_cases(self) -> None:
        rng = self.rng
        clock = self.clock
        stamp = Clock.stamp
        perm = self.perm_ids
        state_names, state_weights = _weighted(FINAL_STATES)
        risk_names, risk_weights = _weighted(RISK_CLASSES)

        systems = self._copier(
            AISystem,
            [
                "id", "organisation_id", "name", "vendor", "product", "model_name", "technique",
                "hosting", "description", "created_at", "updated_at",
            ],
        )  # fmt: skip
        systems_history = self._copier(
            AISystem.history.model,
            [
                "history_id", "history_date", "history_type", "history_user_id",
                "history_change_reason", "id", "organisation_id", "name", "vendor", "product",
                "model_name", "technique", "hosting", "description", "created_at", "updated_at",
            ],
        )  # fmt: skip
        static_columns = [
            "id", "organisation_id", "department_id", "title", "short_description", "purpose",
            "start_date", "end_date", "responsible_role", "technical_contact",
            "public_contact_email", "legal_basis_explanation", "processes_personal_data",
            "processes_special_categories", "data_categories", "retention", "ai_system_id",
            "interfaces", "risk_class", "oversight_mode", "oversight_role",
            "oversight_can_override", "oversight_can_stop", "objection_procedure",
            "dpia_status", "dpia_date", "dpia_not_needed_reason", "fria_status",
            "security_concept_status", "monitors_staff", "staff_council_status",
            "yearly_case_volume", "rule_clarity", "input_structure", "review_interval_months",
            "next_review_date", "is_published", "created_at",
        ]  # fmt: skip
        varying_columns = ["workflow_state", "status", "updated_at"]
        history_columns = [
            "history_id", "history_date", "history_type", "history_user_id",
            "history_change_reason",
        ]  # fmt: skip
        use_cases = self._copier(UseCase, [*static_columns, *varying_columns])
        use_case_history = self._copier(
            UseCase.history.model, [*history_columns, *varying_columns, *static_columns]
        )
        child_specs: dict[str, tuple[type[models.Model], list[str]]] = {
            "legal": (LegalBasis, ["law", "provision", "url"]),
            "source": (DataSource, ["name", "register", "description"]),
            "service": (PublicService, ["leika_key", "name"]),
            "withheld": (WithheldField, ["field", "reason"]),
        }
        children = {
            key: self._copier(model, ["id", "use_case_id", *cols])
            for key, (model, cols) in child_specs.items()
        }
        children_history = {
            key: self._copier(
                model.history.model,  # type: ignore[attr-defined]
                [*history_columns, "id", "use_case_id", *cols],
            )
            for key, (model, cols) in child_specs.items()
        }
        child_ids = dict.fromkeys(child_specs, 0)
        child_history_ids = dict.fromkeys(child_specs, 0)
        grants = self._copier(
            AccessGrant,
            ["id", "use_case_id", "user_id", "permission", "reason", "granted_by_id", "granted_at"],
        )
        grants_history = self._copier(
            AccessGrant.history.model,
            [
                *history_columns, "id", "use_case_id", "user_id", "permission", "reason",
                "granted_by_id", "granted_at",
            ],
        )  # fmt: skip
        group_perms = self._copier(
            UseCaseGroupObjectPermission, ["id", "content_object_id", "group_id", "permission_id"]
        )
        user_perms = self._copier(
            UseCaseUserObjectPermission, ["id", "content_object_id", "user_id", "permission_id"]
        )
        public_columns = [
            name
            for f in PublishedUseCase._meta.concrete_fields
            if (name := f.column) not in {"id", "use_case_id", "status", "published_at"}
        ]
        # Public fields this loader does not know yet get their default.
        public_constants = [
            (f.column, _constant(f) if f.has_default() or f.null or f.blank else NULL)
            for f in PublishedUseCase._meta.concrete_fields
            if f.column in public_columns
        ]
        published = self._copier(
            PublishedUseCase, ["id", "use_case_id", "status", "published_at", *public_columns]
        )
        published_history = self._copier(
            PublishedUseCase.history.model,
            [*history_columns, "status", "published_at", "id", "use_case_id", *public_columns],
        )

        # Governance: classification, obligations, review rounds, sign-offs and decisions.
        classifications = self._copier(
            RiskClassification,
            [
                "id", "use_case_id", "facts", "risk_class", "obligations", "reasons",
                "rule_set_version", "timeline", "classified_by_id", "classified_at",
            ],
        )  # fmt: skip
        classifications_history = self._copier(
            RiskClassification.history.model,
            [
                *history_columns, "id", "use_case_id", "facts", "risk_class", "obligations",
                "reasons", "rule_set_version", "timeline", "classified_by_id", "classified_at",
            ],
        )  # fmt: skip
        obligation_columns = [
            "id", "use_case_id", "obligation", "applies", "status", "reason", "applies_from",
            "applies_from_source", "updated_by_id", "updated_at",
        ]  # fmt: skip
        obligations = self._copier(ObligationItem, obligation_columns)
        obligations_history = self._copier(
            ObligationItem.history.model, [*history_columns, *obligation_columns]
        )
        submissions = self._copier(
            Submission,
            [
                "id",
                "use_case_id",
                "kind",
                "submitted_by_id",
                "submitted_at",
                "note",
                "previous_state",
            ],
        )
        sign_offs = self._copier(
            SignOff,
            [
                "id", "submission_id", "use_case_id", "role", "verdict", "reason", "signed_by_id",
                "signed_at",
            ],
        )  # fmt: skip
        decisions = self._copier(
            Decision,
            [
                "id",
                "submission_id",
                "use_case_id",
                "outcome",
                "rationale",
                "decided_by_id",
                "decided_at",
            ],
        )
        engine = {risk: to_json(classify(parse_facts(facts))) for risk, facts in RISK_FACTS.items()}
        # Each obligation's date of application and its source, as governance.obligation_sync
        # copies them from the classification's timeline.
        timing = {
            risk: {
                entry["obligation"]: (entry.get("applies_from") or NULL, entry.get("source", ""))
                for entry in result["timeline"]  # type: ignore[attr-defined]
            }
            for risk, result in engine.items()
        }
        classification_id = obligation_id = obligation_history_id = 0
        submission_id = sign_off_id = decision_id = 0

        system_id = system_history_id = use_case_id = history_id = 0
        grant_id = group_perm_id = user_perm_id = published_id = published_history_id = 0
        span = clock.end - clock.start
        for plan in self.orgs:
            board = plan.boards
            all_heads = [u for heads in plan.heads_by_department.values() for u in heads]
            # AI systems: one per five use cases, from the catalogue, numbered when repeated.
            org_systems: list[tuple[int, tuple[str, ...]]] = []
            for number in range(max(1, min(40, plan.use_cases // 5))):
                spec = words.AI_SYSTEMS[number % len(words.AI_SYSTEMS)]
                name = spec[0] if number < len(words.AI_SYSTEMS) else f"{spec[0]} {number // 8 + 1}"
                system_id += 1
                created = stamp(clock.start + rng.randrange(span // 4))
                values = (
                    f"{system_id}\t{plan.id}\t{name}\t{spec[1]}\t{spec[2]}\t{spec[3]}\t{spec[4]}\t"
                    f"{spec[5]}\tBetrieb über {spec[1]}.\t{created}\t{created}"
                )
                systems.add(values)
                system_history_id += 1
                systems_history.add(
                    f"{system_history_id}\t{created}\t+\t{board[0]}\tKI-System erfasst\t{values}"
                )
                org_systems.append((system_id, (name, *spec[1:])))

            for _ in range(plan.use_cases):
                use_case_id += 1
                dept_id, _dept_name, heads_group = rng.choice(plan.departments)
                dept_name = _dept_name
                heads = plan.heads_by_department[dept_id] or all_heads or board
                author = rng.choice(heads)
                decider = rng.choice(board)
                final = rng.choices(state_names, state_weights)[0]
                path = PATHS[final]
                action, preposition, subjects = rng.choice(words.ACTIONS)
                title = f"{action} {preposition} {rng.choice(subjects)}"
                if rng.random() < 0.3:
                    title += f" im {dept_name}" if dept_name.endswith("amt") else f" – {dept_name}"
                risk = rng.choices(risk_names, risk_weights)[0]
                if final not in {"draft", "submitted"} and risk == "":
                    risk = "minimal"
                if risk:
                    risk = str(engine[risk]["risk_class"])
                personal = rng.random() < 0.6
                special = personal and rng.random() < 0.1
                system = rng.choice(org_systems) if rng.random() < 0.85 else None
                # The journey: creation, edits while a draft, then one row per workflow step.
                edits = max(0, round(rng.gauss(9, 2.5)) - len(path))
                steps = ["draft"] * (1 + edits) + list(path[1:])
                created_at = clock.start + rng.randrange(int(span * 0.8))
                times = [created_at]
                for _step in steps[1:]:
                    times.append(min(clock.end, times[-1] + rng.randrange(3_600, 86_400 * 21)))
                start = Clock.day(times[-1]) if final in {"in_operation", "retired"} else None
                end = (
                    start + datetime.timedelta(days=rng.randrange(30, 400))
                    if start and final == "retired"
                    else None
                )
                interval = 12 if risk == "high_risk" else 24
                next_review = (
                    (start or clock.today) + datetime.timedelta(days=interval * 30 - 400)
                    if final in {"approved", "in_operation"}
                    else None
                )
                dpia = "done" if personal else rng.choice(("not_needed", "open"))
                oversight = rng.choice(("in_the_loop", "on_the_loop", "in_command"))
                volume = rng.choice((800, 2_500, 12_000, 40_000, 120_000))
                is_published = rng.random() < 0.92
                # Sorting the post of staff is suitable to monitor their performance.
                monitors = system is not None and "Posteingang" in system[1][0]
                static_values = (
                    str(use_case_id), str(plan.id), str(dept_id), title,
                    rng.choice(words.SHORT_DESCRIPTIONS), rng.choice(words.PURPOSES),
                    _opt(start), _opt(end), rng.choice(words.ROLES),
                    f"IT-Service {dept_name}", f"ki@{plan.contact_email.split('@')[1]}",
                    "Die Verarbeitung ist zur Erfüllung einer Aufgabe im öffentlichen "
                    "Interesse erforderlich.",
                    _bool(personal), _bool(special),
                    "Name, Anschrift, Antragsdaten" if personal else "keine personenbezogenen",
                    "6 Monate nach Abschluss des Verfahrens",
                    _opt(system[0] if system else None),
                    "Fachverfahren über XÖV-Schnittstelle" if system else "",
                    risk, oversight, "Sachbearbeitung", _bool(True), _bool(True),
                    "Widerspruch nach § 70 VwGO; Prüfung durch eine Sachbearbeiterin auf Antrag.",
                    dpia, _opt(Clock.day(times[0]) if dpia == "done" else None),
                    "Keine personenbezogenen Daten." if dpia == "not_needed" else "",
                    "done" if risk == "high_risk" and final != "draft" else "not_needed",
                    "done" if final in {"approved", "in_operation", "retired"} else "open",
                    _bool(monitors), "agreed" if monitors else "not_required", str(volume),
                    rng.choice(("low", "medium", "high")), rng.choice(("low", "medium", "high")),
                    str(interval), _opt(next_review), _bool(is_published), stamp(created_at),
                )  # fmt: skip
                static = "\t".join(static_values)
                for position, (step, moment) in enumerate(zip(steps, times, strict=True)):
                    history_id += 1
                    if position == 0:
                        kind, reason, actor = "+", "Anwendungsfall angelegt", author
                    elif step == "draft" or (position > 0 and steps[position - 1] == step):
                        kind, reason, actor = "~", rng.choice(words.REASONS_EDIT), author
                    else:
                        kind = "~"
                        reason = words.REASONS_STATE[step]
                        actor = author if step == "submitted" else decider
                    use_case_history.add(
                        f"{history_id}\t{stamp(moment)}\t{kind}\t{actor}\t{reason}\t{step}\t"
                        f"{LIFECYCLE_STATUS[step]}\t{stamp(moment)}\t{static}"
                    )
                use_cases.add(f"{static}\t{final}\t{LIFECYCLE_STATUS[final]}\t{stamp(times[-1])}")

                # Child rows, each with the history row its creation left.
                created_stamp = stamp(created_at)
                legal = rng.sample(words.LEGAL_BASES, rng.randint(1, 3))
                sources = rng.sample(words.DATA_SOURCES, rng.randint(1, 3) if personal else 0)
                services = rng.sample(words.SERVICES, rng.randint(0, 2))
                withheld = [("ai_system", words.WITHHELD_REASON)] if rng.random() < 0.06 else []
                rows_by_kind: dict[str, list[tuple[str, ...]]] = {
                    "legal": list(legal),
                    "source": [(n, r, "") for n, r in sources],
                    "service": list(services),
                    "withheld": list(withheld),
                }
                for key, _name in services:
                    plan.services.setdefault(key, []).append(use_case_id)
                if final == "draft":
                    plan.ideas.append(use_case_id)
                elif final == "in_operation" and start is not None:
                    plan.running.append((use_case_id, start))
                for key, rows in rows_by_kind.items():
                    for row in rows:
                        child_ids[key] += 1
                        values = "\t".join(
                            (str(child_ids[key]), str(use_case_id), *map(_text, row))
                        )
                        children[key].add(values)
                        child_history_ids[key] += 1
                        children_history[key].add(
                            f"{child_history_ids[key]}\t{created_stamp}\t+\t{author}\t"
                            f"Anwendungsfall angelegt\t{values}"
                        )

                # Governance rows, as governance.services leaves them.
                if risk:
                    result = engine[risk]
                    classification_id += 1
                    classified_at = stamp(times[min(1, len(times) - 1)])
                    values = "\t".join(
                        (
                            str(classification_id), str(use_case_id),
                            _public_text(RISK_FACTS[risk]), risk,
                            _public_text(result["obligations"]), _public_text(result["reasons"]),
                            str(result["rule_set_version"]), _public_text(result["timeline"]),
                            str(author), classified_at,
                        )
                    )  # fmt: skip
                    classifications.add(values)
                    classifications_history.add(
                        f"{classification_id}\t{classified_at}\t+\t{author}\t"
                        f"Risikofragebogen beantwortet\t{values}"
                    )
                    wanted = {str(o) for o in result["obligations"]}  # type: ignore[attr-defined]
                    if personal:
                        wanted.add("dpia")
                    if monitors:
                        wanted.add("staff_council")
                    live = final in {"approved", "in_operation", "retired"}
                    for obligation in sorted(wanted):
                        done = (
                            (obligation == "dpia" and dpia == "done")
                            or obligation == "staff_council"
                            or (obligation == "art_27_fria" and static_values[27] == "done")
                            or (live and rng.random() < 0.6)
                        )
                        obligation_id += 1
                        dated, source = timing[risk].get(obligation, (NULL, ""))
                        values = (
                            f"{obligation_id}\t{use_case_id}\t{obligation}\tt\t"
                            f"{'done' if done else 'open'}\t\t{dated}\t{_text(source)}\t"
                            f"{author}\t{classified_at}"
                        )
                        obligations.add(values)
                        obligation_history_id += 1
                        obligations_history.add(
                            f"{obligation_history_id}\t{classified_at}\t+\t{author}\t"
                            f"Risikofragebogen beantwortet\t{values}"
                        )
                if "submitted" in steps:
                    offset = len(steps) - len(path)
                    submitted_at = stamp(times[path.index("submitted") + offset])
                    submission_id += 1
                    submissions.add(
                        f"{submission_id}\t{use_case_id}\tsubmitted\t{author}\t{submitted_at}\t"
                        f"\tdraft"
                    )
                    reviewed = "in_review" in steps
                    decided = next((step for step in path if step in DECISIONS), None)
                    roles = (
                        ["iso"]
                        + (["dpo"] if personal else [])
                        + (["staff_council"] if monitors else [])
                    )
                    if reviewed and not decided:
                        roles = roles[: rng.randrange(len(roles) + 1)]
                    for role in roles if reviewed else []:
                        sign_off_id += 1
                        reviewer = rng.choice(plan.reviewers.get(role) or board)
                        signed_at = stamp(times[path.index("in_review") + offset])
                        sign_offs.add(
                            f"{sign_off_id}\t{submission_id}\t{use_case_id}\t{role}\tagree\t\t"
                            f"{reviewer}\t{signed_at}"
                        )
                    if decided:
                        decision_id += 1
                        decided_at = stamp(times[path.index(decided) + offset])
                        decisions.add(
                            f"{decision_id}\t{submission_id}\t{use_case_id}\t{DECISIONS[decided]}\t"
                            f"{words.REASONS_STATE[decided]}\t{decider}\t{decided_at}"
                        )

                # Object permissions, as registry.permissions.assign_default_permissions grants.
                for group, perms in (
                    (plan.board_group, BOARD_PERMS),
                    (plan.members_group, MEMBER_PERMS),
                    (plan.auditors_group, AUDITOR_PERMS),
                    (heads_group, HEAD_PERMS),
                ):
                    for codename in perms:
                        group_perm_id += 1
                        group_perms.add(
                            f"{group_perm_id}\t{use_case_id}\t{group}\t{perm[codename]}"
                        )
                if plan.others and rng.random() < 0.01:
                    grantee = rng.choice(plan.others)
                    grant_id += 1
                    grant_values = (
                        f"{grant_id}\t{use_case_id}\t{grantee}\t{CHANGE}\t"
                        f"Vertretung der Fachbereichsleitung\t{decider}\t{stamp(times[-1])}"
                    )
                    grants.add(grant_values)
                    grants_history.add(
                        f"{grant_id}\t{stamp(times[-1])}\t+\t{decider}\t"
                        f"Vertretung der Fachbereichsleitung\t{grant_values}"
                    )
                    user_perm_id += 1
                    user_perms.add(f"{user_perm_id}\t{use_case_id}\t{grantee}\t{perm[CHANGE]}")

                # The public record and its change log, as registry.publication writes them.
                if is_published and final in {"approved", "in_operation"}:
                    published_id += 1
                    public = {
                        "organisation_id": plan.id,
                        "department_name": dept_name,
                        "title": title,
                        "short_description": static_values[4],
                        "purpose": static_values[5],
                        "start_date": start,
                        "end_date": end,
                        "responsible_role": static_values[8],
                        "public_contact_email": static_values[10],
                        "risk_class": risk,
                        "technique": system[1][4] if system else "",
                        "ai_system_name": system[1][0] if system else "",
                        "vendor": system[1][1] if system else "",
                        "product": system[1][2] if system else "",
                        "model_name": system[1][3] if system else "",
                        "hosting": system[1][5] if system else "",
                        "legal_basis_explanation": static_values[11],
                        "legal_bases": [
                            {"law": law, "provision": provision, "url": url}
                            for law, provision, url in legal
                        ],
                        "processes_personal_data": personal,
                        "processes_special_categories": special,
                        "data_categories": static_values[14],
                        "data_sources": [
                            {"name": n, "register": r, "description": ""} for n, r in sources
                        ],
                        "public_services": [{"leika_key": k, "name": n} for k, n in services],
                        "interfaces": static_values[17],
                        "oversight_mode": oversight,
                        "oversight_role": "Sachbearbeitung",
                        "oversight_can_override": True,
                        "oversight_can_stop": True,
                        "objection_procedure": static_values[23],
                        "dpia_status": dpia,
                        "fria_status": static_values[27],
                        "next_review_date": next_review,
                    }
                    for group_name, _reason in withheld:
                        for name in WITHHELD_GROUPS[group_name]:
                            public[name] = _EMPTY.get(name, "")
                    public["withheld"] = dict(withheld)
                    approved_at = times[path.index("approved") + (len(steps) - len(path))]
                    public["first_published_at"] = stamp(approved_at)
                    public_text = "\t".join(
                        _public_text(public[column]) if column in public else constant
                        for column, constant in public_constants
                    )
                    final_status = LIFECYCLE_STATUS[final]
                    published.add(
                        f"{published_id}\t{use_case_id}\t{final_status}\t{stamp(times[-1])}\t"
                        f"{public_text}"
                    )
                    versions = [("+", "approved", approved_at)]
                    if final == "in_operation":
                        versions.append(("~", "in_operation", times[-1]))
                    for kind, step, moment in versions:
                        published_history_id += 1
                        published_history.add(
                            f"{published_history_id}\t{stamp(moment)}\t{kind}\t{decider}\t"
                            f"{words.REASONS_STATE[step]}\t{LIFECYCLE_STATUS[step]}\t"
                            f"{stamp(moment)}\t{published_id}\t{use_case_id}\t{public_text}"
                        )
            if plan.id % 1000 == 0:
                self.log(f"… {plan.id} organisations, {use_case_id} use cases")
        self._close(
            systems, systems_history, use_cases, use_case_history, *children.values(),
            *children_history.values(), grants, grants_history, group_perms, user_perms,
            published, published_history, classifications, classifications_history,
            obligations, obligations_history, submissions, sign_offs, decisions,
        )  # fmt: skip
        self.log(f"{use_case_id} use cases, {history_id} history rows.")

    # The path: readiness and service maturity, measures, ratings and outcomes ----------

    def path(self) -> None:
        """What the boards record along the seed's path, with the history rows the services
        of `maturity` and `portfolio` would have left (one creation row each)."""
        rows = {key: self._copier(model, cols) for key, (model, cols) in PATH_SPECS.items()}
        histories = {
            key: self._copier(model.history.model, [*HISTORY_COLUMNS, *cols])  # type: ignore[attr-defined]
            for key, (model, cols) in PATH_SPECS.items()
        }
        writer = _PathWriter(self.rng, self.clock, rows, histories)
        # The benchmark's board persona sits in the organisation with the most use cases
        # (bench.run, lowest id first): it walks the whole path, so that its dashboard and
        # Fahrplan are measured with their maturity and outcome sections, not without them.
        largest = max(self.orgs, key=lambda plan: (plan.use_cases, -plan.id))
        for plan in self.orgs:
            writer.readiness(plan, always=plan is largest)
            writer.services(plan, always=plan is largest)
            writer.ratings(plan)
            writer.outcomes(plan, always=plan is largest)
        self._close(*rows.values(), *histories.values())
        ids = writer.ids
        self.log(
            f"{ids['readiness']} readiness and {ids['service']} service assessments, "
            f"{ids['measure']} measures, {ids['rating']} ratings, "
            f"{ids['measurement']} measurements."
        )


HISTORY_COLUMNS = (
    "history_id", "history_date", "history_type", "history_user_id", "history_change_reason",
)  # fmt: skip
# The rows of the path's phase: model and the columns the loader fills.
PATH_SPECS: dict[str, tuple[type[models.Model], list[str]]] = {
    "readiness": (
        ReadinessAssessment,
        [
            "id", "organisation_id", "questionnaire_version", "answers", "governance_basics",
            *(f"level_{d.key}" for d in ASKED_DIMENSIONS), "level_governance_basics",
            "assessed_by_id", "assessed_at",
        ],
    ),
    "service": (
        ServiceAssessment,
        [
            "id", "organisation_id", "leika_key", "service_name", "questionnaire_version",
            "answers", "use_case_support", "level", "assessed_by_id", "assessed_at",
        ],
    ),
    "measure": (
        MaturityMeasure,
        [
            "id", "organisation_id", "dimension", "title", "owner_role", "due_date",
            "target_level", "status", "created_by_id", "created_at", "updated_at",
        ],
    ),
    "rating": (CandidateRating, ["id", "use_case_id", "benefit", "effort", "updated_at"]),
    "indicator": (
        Indicator,
        ["id", "organisation_id", "kind", "name", "unit", "direction", "is_public", "updated_at"],
    ),
    "measurement": (
        Measurement,
        [
            "id", "use_case_id", "indicator_id", "phase", "period_start", "period_end", "value",
            "source", "entered_by_id", "created_at", "updated_at",
        ],
    ),
}  # fmt: skip
DAY = 86_400
QUARTER = datetime.timedelta(days=90)


class _PathWriter:
    """Writes one organisation's maturity and outcome rows at a time, numbering them."""

    def __init__(
        self,
        rng: random.Random,
        clock: Clock,
        rows: dict[str, Copier],
        histories: dict[str, Copier],
    ) -> None:
        self.rng = rng
        self.clock = clock
        self.rows = rows
        self.histories = histories
        self.ids = dict.fromkeys(PATH_SPECS, 0)
        self.service_names = dict(words.SERVICES)

    def add(self, key: str, actor: int, moment: int, reason: str, *values: object) -> int:
        """One row with its creation history row; `values` follow the id in PATH_SPECS order."""
        self.ids[key] += 1
        line = "\t".join((str(self.ids[key]), *(_public_text(v) for v in values)))
        self.rows[key].add(line)
        self.histories[key].add(
            f"{self.ids[key]}\t{Clock.stamp(moment)}\t+\t{actor}\t{reason}\t{line}"
        )
        return self.ids[key]

    def readiness(self, plan: OrgPlan, *, always: bool = False) -> None:
        """Most organisations assessed themselves one to three times, about a year apart, and
        mostly got better; some planned measures against their gaps."""
        rng, end, board = self.rng, self.clock.end, plan.boards[0]
        if rng.random() >= 0.85 and not always:
            return
        base = rng.randint(0, 3)
        moment = end - DAY * rng.randint(420, 720)
        for round_ in range(rng.randint(1, 3)):
            answers = {
                q.key: max(0, min(READINESS_MAX_LEVEL, base + round_ + rng.choice((-1, 0, 0, 1))))
                for q in READINESS_QUESTIONS
            }
            met = {key: rng.random() < 0.6 + 0.15 * round_ for key in GOVERNANCE_BASICS_KEYS}
            counts = dict.fromkeys(("owner", "oversight", "review_date"), plan.use_cases)
            basics = {
                "met": met,
                "use_cases": plan.use_cases,
                "counts": counts,
                "level": governance_level(sum(met.values())),
            }
            levels = readiness_levels(answers)
            self.add(
                "readiness", board, moment, "Standortbestimmung erfasst", plan.id,
                READINESS_VERSION, answers, basics, *(levels[d.key] for d in ASKED_DIMENSIONS),
                basics["level"], board, Clock.stamp(moment),
            )  # fmt: skip
            moment = min(end, moment + DAY * rng.randint(150, 300))
        for _ in range(rng.randint(0, 4)):
            dimension = rng.choice(ASKED_DIMENSIONS).key
            created = end - DAY * rng.randint(30, 400)
            self.add(
                "measure", board, created, "Maßnahme angelegt", plan.id, dimension,
                rng.choice(words.MEASURES[dimension]), rng.choice(words.MEASURE_OWNERS),
                Clock.day(end + DAY * rng.randint(-120, 600)), rng.randint(1, READINESS_MAX_LEVEL),
                rng.choices(MEASURE_STATUSES, (5, 4, 2, 1))[0], board, Clock.stamp(created),
                Clock.stamp(created),
            )  # fmt: skip

    def services(self, plan: OrgPlan, *, always: bool = False) -> None:
        """About half of the organisations assessed some services their use cases support."""
        rng, end, board = self.rng, self.clock.end, plan.boards[0]
        if not plan.services or (rng.random() >= 0.5 and not always):
            return
        criteria = [c.key for c in ASKED_CRITERIA]
        for leika_key, use_case_ids in sorted(plan.services.items()):
            if rng.random() < 0.4:
                continue
            base = rng.randint(0, SERVICE_MAX_LEVEL - 2)
            moment = end - DAY * rng.randint(60, 500)
            for round_ in range(rng.randint(1, 2)):
                answers: dict[str, int | None] = {
                    c.key: None
                    if c.optional and rng.random() < 0.3
                    else min(SERVICE_MAX_LEVEL, base + round_ + rng.randint(0, 2))
                    for c in ASKED_CRITERIA
                }
                support = {
                    str(use_case_id): sorted(rng.sample(criteria, rng.randint(1, 2)))
                    for use_case_id in use_case_ids[:5]
                    if rng.random() < 0.5
                }
                self.add(
                    "service", board, moment, "Reifegrad der Leistung erfasst", plan.id,
                    leika_key, self.service_names[leika_key], SERVICE_VERSION, answers, support,
                    service_level(answers), board, Clock.stamp(moment),
                )  # fmt: skip
                moment = min(end, moment + DAY * rng.randint(90, 200))

    def ratings(self, plan: OrgPlan) -> None:
        """Most ideas are rated for benefit and effort."""
        rng, end, board = self.rng, self.clock.end, plan.boards[0]
        for use_case_id in plan.ideas:
            if rng.random() < 0.6:
                moment = end - DAY * rng.randint(1, 300)
                self.add(
                    "rating", board, moment, "Einschätzung erfasst", use_case_id,
                    rng.randint(1, 5), rng.randint(1, 5), Clock.stamp(moment),
                )  # fmt: skip

    def outcomes(self, plan: OrgPlan, *, always: bool = False) -> None:
        """About half of the organisations with running use cases measure processing time and
        follow-up questions: a baseline before go-live, then every quarter."""
        rng, end, board = self.rng, self.clock.end, plan.boards[0]
        if not plan.running or (rng.random() >= 0.5 and not always):
            return
        indicators = []
        for kind, name, unit, low, high in OUTCOME_INDICATORS:
            moment = end - DAY * 600
            indicator = self.add(
                "indicator", board, moment, "Kennzahl angelegt", plan.id, kind, name, unit,
                "lower", rng.random() < 0.5, Clock.stamp(moment),
            )  # fmt: skip
            indicators.append((indicator, low, high))
        for use_case_id, start in plan.running:
            if rng.random() < 0.6:
                continue
            periods = [(start - QUARTER, start - datetime.timedelta(days=1))]
            while len(periods) < 5 and start + QUARTER * len(periods) < self.clock.today:
                begin = start + QUARTER * (len(periods) - 1)
                periods.append((begin, begin + QUARTER - datetime.timedelta(days=1)))
            for indicator, low, high in indicators:
                value = rng.uniform(low, high)
                for index, (first, last) in enumerate(periods):
                    noon = datetime.datetime.combine(last, datetime.time(12), tzinfo=datetime.UTC)
                    recorded = min(end, int(noon.timestamp()) + DAY * 10)
                    self.add(
                        "measurement", board, recorded, "Messwert erfasst", use_case_id,
                        indicator, "baseline" if index == 0 else "follow_up", first, last,
                        f"{value:.2f}", "Auswertung des Fachverfahrens", board,
                        Clock.stamp(recorded), Clock.stamp(recorded),
                    )  # fmt: skip
                    value *= rng.uniform(0.75, 1.02)


def _public_text(value: object) -> str:
    """A value as COPY text: NULL, a boolean, JSON, an ISO date, or escaped text."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return _bool(value)
    if isinstance(value, dict | list):
        return _text(json.dumps(value, ensure_ascii=False))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _text(str(value))


# Personas the generated people do not include (issue 16) -------------------------------

OPERATOR_USERNAME = "bench.betrieb"
SHARED_AUDITOR_USERNAME = "bench.pruefung.it-dienstleister"


def ensure_cross_organisation_personas() -> dict[str, int]:
    """The installation's operator (a superuser) and an auditor of a shared IT provider who
    holds the auditor role in every organisation, created once per database.

    They are written as `accounts.services.grant_role` and `sync_user_groups` would leave them
    (a membership and the members' and auditors' groups per organisation), without history rows:
    11,200 grants one by one would take minutes.
    """
    password = make_password(None)
    operator, _created = User.objects.get_or_create(
        username=OPERATOR_USERNAME,
        defaults={
            "password": password,
            "email": "betrieb@it-dienstleister.example",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    auditor, created = User.objects.get_or_create(
        username=SHARED_AUDITOR_USERNAME,
        defaults={
            "password": password,
            "email": "pruefung@it-dienstleister.example",
            "is_staff": True,
        },
    )
    if created or not auditor.memberships.exists():
        organisations = list(
            Organisation.objects.values_list("pk", "members_group_id", "auditors_group_id")
        )
        Membership.objects.bulk_create(
            Membership(
                user=auditor,
                organisation_id=pk,
                role=Membership.Role.AUDITOR,
                source=Membership.Source.IDENTITY_PROVIDER,
            )
            for pk, _members, _auditors in organisations
        )
        through = User.groups.through
        through.objects.bulk_create(
            through(user_id=auditor.pk, group_id=group)
            for _pk, members, auditors in organisations
            for group in (members, auditors)
        )
        with connection.cursor() as cursor:
            for table in ("accounts_membership", "accounts_user_groups"):
                cursor.execute(f"ANALYZE {table}")
    return {"operator": operator.pk, "shared_auditor": auditor.pk}
