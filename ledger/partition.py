"""The log's bulk work (initial build, full verification) in groups of organisations.

Trees are per organisation and independent of each other, so the bulk paths split the
organisations into groups of consecutive ids (`plan_groups`), handle each group in its own
transaction and, on PostgreSQL, several groups at once in worker processes (`run_groups`).
A group's history rows are read per tracked model with its organisation resolved in the query
(`history_rows`): the row's own `organisation` column, or, for a use case's child rows, the
organisation of their parent found in one query per group. Memory is bounded by a group
(streamed in chunks), never by the number of rows.
"""

import itertools
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connections, models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from psycopg.types.datetime import TimestamptzLoader

from ledger.leaves import TrackedModel, m2m_values, row_columns, tracked_models
from ledger.models import LogLeaf, LogTree

CHUNK = 2000
# About this many history rows (of the models with an `organisation` column) per group: small
# enough that a group's transaction (and the wait of a writer of one of its organisations)
# stays short, large enough that the queries per group and model do not dominate.
ROWS_PER_GROUP = 25_000


@dataclass(frozen=True)
class Group:
    """Organisations with ids in [low, high) (None: unbounded), or the rows of none."""

    low: int | None = None
    high: int | None = None
    installation: bool = False

    def organisation_filter(self, column: str) -> Q:
        """Rows whose organisation (in `column`) belongs to the group."""
        if self.installation:
            return Q(**{f"{column}__isnull": True})
        condition = Q(**{f"{column}__isnull": False})
        if self.low is not None:
            condition &= Q(**{f"{column}__gte": self.low})
        if self.high is not None:
            condition &= Q(**{f"{column}__lt": self.high})
        return condition

    def contains(self, organisation_id: int | None) -> bool:
        if organisation_id is None:
            return self.installation
        if self.installation:
            return False
        return (self.low is None or organisation_id >= self.low) and (
            self.high is None or organisation_id < self.high
        )

    def trees(self, using: str) -> "models.QuerySet[LogTree]":
        return LogTree.objects.using(using).filter(self.organisation_filter("organisation_id"))


def organisation_weights(using: str) -> Counter[int]:
    """History rows per organisation, counting the models with an `organisation` column (a
    use case's child rows follow its own rows closely enough to plan with)."""
    weights: Counter[int] = Counter()
    for tracked in tracked_models():
        if not tracked.organisation_path or tracked.parent() is not None:
            continue
        column = tracked.organisation_path
        counts = (
            tracked.history_model._default_manager.using(using)
            .filter(**{f"{column}__isnull": False})
            .values_list(column)
            .annotate(rows=Count("pk"))
            .order_by()
        )
        for organisation_id, rows in counts:
            weights[organisation_id] += rows
    return weights


def plan_groups(using: str, *, organisation_id: int | None = None) -> list[Group]:
    """Groups covering every organisation id (and the rows of none), the largest first.

    Consecutive ids are grouped until a group holds about `ROWS_PER_GROUP` rows (an
    organisation larger than that is a group of its own); the first and last groups are open
    towards smaller and larger ids, so that no row can fall between groups. With
    `organisation_id`, the one group of that organisation.
    """
    if organisation_id is not None:
        return [Group(organisation_id, organisation_id + 1)]
    weights = organisation_weights(using)
    planned: list[tuple[int, Group]] = []
    low: int | None = None
    weight = 0
    for organisation_id_ in sorted(weights):
        if weight and weight + weights[organisation_id_] > ROWS_PER_GROUP:
            planned.append((weight, Group(low, organisation_id_)))
            low, weight = organisation_id_, 0
        weight += weights[organisation_id_]
    planned.append((weight, Group(low, None)))
    planned.sort(key=lambda item: -item[0])
    return [Group(installation=True), *(group for _weight, group in planned)]


def parent_organisations(parent: type[models.Model], group: Group, using: str) -> dict[int, int]:
    """Parent id → its organisation, for the parents whose organisation is in the group.

    The organisation of a parent is that of its newest row (its history, so that deleted
    parents still resolve), as `TrackedModel.organisation_expression` has it.
    """
    rows = parent._default_manager.using(using)
    in_group = rows.filter(group.organisation_filter("organisation_id")).order_by().values("id")
    found: dict[int, int] = {}
    newest = rows.filter(id__in=Subquery(in_group)).order_by("id", "pk")
    for parent_id, organisation_id in newest.values_list("id", "organisation_id").iterator(
        chunk_size=CHUNK
    ):
        found[parent_id] = organisation_id  # ascending pk: the newest row wins
    return {k: v for k, v in found.items() if group.contains(v)}


_cursor_names = itertools.count()


def stream(rows: "QuerySet[Any, tuple[Any, ...]]", using: str) -> Iterator[tuple[Any, ...]]:
    """The rows of a `values_list` query, streamed in chunks.

    On PostgreSQL a plain server-side cursor with psycopg's own (C) timestamp loader: Django's
    loader, which re-attaches its time zone to every value, parses timestamps in Python, the
    largest part of reading history rows. The values are the same instants (the connection's
    time zone is UTC), and columns with a converter (JSON) still go through Django's.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield from rows.iterator(chunk_size=CHUNK)
        return
    compiler = rows.query.get_compiler(using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # e.g. `tree_id IN ()`: nothing to read
        return
    converters = compiler.get_converters([column[0] for column in compiler.select])
    connection.ensure_connection()
    name = f"ledger_{next(_cursor_names)}"
    with connection.connection.cursor(name=name) as cursor:
        cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            if converters:
                yield from map(tuple, compiler.apply_converters(chunk, converters))
            else:
                yield from chunk


HistoryRow = tuple[tuple[Any, ...], int | None, dict[str, Any]]


def history_rows(
    tracked: TrackedModel,
    group: Group,
    using: str,
    *,
    order: tuple[str, ...],
    unlogged: bool = False,
    parents: dict[type[models.Model], dict[int, int]] | None = None,
) -> Iterator[HistoryRow]:
    """The model's history rows of the group: (row in `row_columns` order, organisation, M2M).

    `unlogged`: only rows without a leaf. `parents` caches `parent_organisations` per parent
    model for the group (a use case's child models share one lookup).
    """
    columns = row_columns(tracked)
    rows = tracked.history_model._default_manager.using(using).order_by(*order)
    if unlogged:
        rows = rows.filter(
            ~Exists(
                LogLeaf.objects.using(using).filter(
                    history_model=tracked.history_label, history_id=OuterRef("pk")
                )
            )
        )
    parent = tracked.parent()
    lookup: dict[int, int] | None = None
    if not tracked.organisation_path:
        if not group.installation:
            return
        position = None
    elif parent is None:
        position = columns.index(tracked.organisation_path)
        rows = rows.filter(group.organisation_filter(tracked.organisation_path))
    else:
        fk_attname, parent_model = parent
        position = columns.index(fk_attname)
        if group.installation:
            # Child rows whose parent is unknown belong to no organisation.
            rows = rows.filter(
                Q(**{f"{fk_attname}__isnull": True})
                | ~Exists(parent_model._default_manager.filter(id=OuterRef(fk_attname)))
            )
            position = None
        else:
            cache = parents if parents is not None else {}
            if parent_model not in cache:
                cache[parent_model] = parent_organisations(parent_model, group, using)
            lookup = cache[parent_model]
            in_group = parent_model._default_manager.using(using).filter(
                group.organisation_filter("organisation_id")
            )
            rows = rows.filter(**{f"{fk_attname}__in": Subquery(in_group.order_by().values("id"))})
    values = stream(rows.values_list(*columns), using)

    def organisation(row: tuple[Any, ...]) -> int | None:
        if position is None:
            return None
        if lookup is None:
            value: int | None = row[position]
            return value
        return lookup.get(row[position], -1)

    if not tracked.m2m:
        for row in values:
            organisation_id = organisation(row)
            if organisation_id != -1:
                yield row, organisation_id, {}
        return
    chunk: list[tuple[Any, ...]] = []

    def flush() -> Iterator[HistoryRow]:
        m2m = m2m_values(tracked, [r[0] for r in chunk], using)
        for row in chunk:
            organisation_id = organisation(row)
            if organisation_id != -1:
                yield row, organisation_id, m2m.get(row[0], {})

    for row in values:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from flush()
            chunk = []
    yield from flush()


T = TypeVar("T")
R = TypeVar("R")


# A worker's first connection may meet a server busy with the others' (the web's
# DATABASE_CONNECT_TIMEOUT is short): it tries this often, waiting 1, 2, 4 … seconds between.
CONNECT_ATTEMPTS = 5


def connect(using: str, *, attempts: int = CONNECT_ATTEMPTS) -> None:
    """Open the connection `using`, retrying a refused or timed-out connect with back-off."""
    for attempt in range(attempts):
        try:
            connections[using].ensure_connection()
            return
        except OperationalError:
            connections[using].close()
            if attempt == attempts - 1:
                raise
            time.sleep(2**attempt)


def _in_worker(function: Callable[[T], R], argument: T, using: str) -> R:
    """One group in a worker process, on the worker's own connection, closed after it."""
    try:
        connect(using)
        return function(argument)
    finally:
        connections.close_all()


def run_groups(
    function: Callable[[T], R], arguments: Iterable[T], *, using: str, workers: int
) -> Iterator[R]:
    """`function` of each argument, in `workers` processes on PostgreSQL, else in this one.

    Worker processes are forked after this process's connections are closed (each opens its
    own); results arrive as groups finish, in any order. Inside a transaction, or on SQLite,
    the groups run here one after the other (their transactions are then savepoints).
    """
    connection = connections[using]
    if workers <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        for argument in arguments:
            yield function(argument)
        return
    connections.close_all()
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers)
    try:
        yield from pool.imap_unordered(_Call(function, using), arguments)
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    pool.close()
    pool.join()


@dataclass(frozen=True)
class _Call:
    function: Callable[[Any], Any]
    using: str

    def __call__(self, argument: Any) -> Any:
        return _in_worker(self.function, argument, self.using)


def default_workers() -> int:
    """Worker processes for the bulk paths: one per CPU, at most 4 (each is a connection)."""
    return max(1, min(4, os.cpu_count() or 1))
