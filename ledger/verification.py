"""Recomputing the log from the history tables and comparing: what `verify_history` reports.

The work is split into groups of organisations (`ledger.partition`), each read in one
snapshot (REPEATABLE READ on PostgreSQL, so that a concurrent writer's row and leaf are seen
together or not at all) and, on PostgreSQL, several at once in worker processes. Two checks per
group, each streaming in a fixed amount of memory:
1. every history row has its leaf and hashes to it, and every leaf has its history row (the
   group's rows of each tracked model in history id order, merged with its leaves);
2. each tree's leaves, in order, give its stored head and every signed head of it (whose
   signatures must verify), and every stored interior node is the node those leaves complete
   (the stored nodes are read in the order the leaves complete them).
"""

import functools
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.db.models import F
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

from ledger import merkle, signing
from ledger.leaves import TrackedModel, leaf_codec, tracked_models
from ledger.models import LogLeaf, LogNode, LogTree, SignedTreeHead
from ledger.partition import Group, history_rows, plan_groups, run_groups, stream


@dataclass(frozen=True, order=True)
class Problem:
    """A mismatch between the history tables and the log; `order` sorts the first one first."""

    order: tuple[Any, ...]
    message: str


@dataclass
class Report:
    """The earliest problems found (at most `limit` of them, if given) and how many in all."""

    limit: int | None = None
    problems: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.problems.append(problem)
            self.total += 1
            if self.limit is not None and len(self.problems) >= 2 * self.limit + 100:
                self._trim()

    def merge(self, other: "Report") -> None:
        self.problems.extend(other.problems)
        self.total += other.total
        self._trim()

    def _trim(self) -> None:
        self.problems.sort()
        if self.limit is not None:
            del self.problems[self.limit :]


def _describe(history_model: str, history_id: int) -> str:
    return _("Historienzeile %(model)s #%(id)s") % {"model": history_model, "id": history_id}


def _deleted(leaf: tuple[Any, ...], trees: dict[int, LogTree]) -> Problem:
    history_model, history_id, tree_id, index, _salt, _digest, history_date = leaf
    return Problem(
        (history_date, 1, history_id),
        _(
            "Eintrag %(index)s im Protokoll %(log)s nennt %(row)s, die es nicht mehr gibt "
            "(gelöscht)."
        )
        % {
            "index": index,
            "log": trees[tree_id].log_id,
            "row": _describe(history_model, history_id),
        },
    )


def _check_model(
    tracked: TrackedModel,
    rows: Iterator[tuple[tuple[Any, ...], int | None, dict[str, Any]]],
    leaves: Iterator[tuple[Any, ...]],
    trees: dict[int, LogTree],
) -> Iterator[Problem]:
    """Merge the model's history rows with its leaves, both in history id order."""
    codec = leaf_codec(tracked)
    label = tracked.history_label
    row = next(rows, None)
    leaf = next(leaves, None)
    while row is not None or leaf is not None:
        if leaf is None or (row is not None and row[0][0] < leaf[1]):
            assert row is not None
            history_id = row[0][0]
            yield Problem(
                (row[0][1], 0, history_id),
                _("%(row)s steht nicht im Protokoll (eingefügt oder geändert am Protokoll vorbei).")
                % {"row": _describe(label, history_id)},
            )
            row = next(rows, None)
            continue
        if row is None or leaf[1] < row[0][0]:
            yield _deleted(leaf, trees)
            leaf = next(leaves, None)
            continue
        _model, history_id, tree_id, index, salt, digest, _date = leaf
        tree = trees[tree_id]
        expected = merkle.leaf_hash(codec.data(tree.log_id, row[0], row[2], bytes(salt)))
        if expected != bytes(digest):
            yield Problem(
                (row[0][1], 2, history_id),
                _(
                    "%(row)s stimmt nicht mit Eintrag %(index)s im Protokoll %(log)s überein "
                    "(geändert)."
                )
                % {"row": _describe(label, history_id), "index": index, "log": tree.log_id},
            )
        row = next(rows, None)
        leaf = next(leaves, None)


def check_rows(group: Group, trees: dict[int, LogTree], using: str) -> Iterator[Problem]:
    """Every history row of the group against the leaves of the group's trees."""
    model_order: Any = "history_model"
    if connections[using].vendor == "postgresql":
        model_order = Collate("history_model", "C")  # the order Python sorts labels in
    leaves = stream(
        LogLeaf.objects.using(using)
        .filter(tree_id__in=list(trees))
        .order_by(model_order, "history_id")
        .values_list(
            "history_model", "history_id", "tree_id", "index", "salt", "leaf_hash", "history_date"
        ),
        using,
    )
    by_model = itertools.groupby(leaves, key=lambda leaf: str(leaf[0]))
    pending = next(by_model, None)
    parents: dict[Any, Any] = {}
    for tracked in sorted(tracked_models(), key=lambda t: t.history_label):
        label = tracked.history_label
        while pending is not None and pending[0] < label:
            # Leaves of a model the log no longer tracks: their rows are gone for it.
            yield from (_deleted(leaf, trees) for leaf in pending[1])
            pending = next(by_model, None)
        model_leaves: Iterator[tuple[Any, ...]] = iter(())
        if pending is not None and pending[0] == label:
            model_leaves = pending[1]
        rows = history_rows(tracked, group, using, order=("history_id",), parents=parents)
        yield from _check_model(tracked, rows, model_leaves, trees)
        if pending is not None and pending[0] == label:
            pending = next(by_model, None)
    while pending is not None:
        yield from (_deleted(leaf, trees) for leaf in pending[1])
        pending = next(by_model, None)


class _Peek:
    """An iterator of rows whose first column is a tree id, read one tree at a time."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self.head = next(rows, None)

    def of(self, tree_id: int) -> Iterator[tuple[Any, ...]]:
        while self.head is not None and self.head[0] == tree_id:
            row = self.head
            self.head = next(self._rows, None)
            yield row

    def skip(self, tree_id: int) -> None:
        for _row in self.of(tree_id):
            pass


def _missing_node(tree: LogTree, level: int, index: int) -> Problem:
    return Problem(
        (tree.updated_at, 7, level, index),
        _("Im Protokoll %(log)s fehlt der Knoten %(level)s/%(index)s.")
        % {"log": tree.log_id, "level": level, "index": index},
    )


def _bad_node(tree: LogTree, level: int, index: int) -> Problem:
    return Problem(
        (tree.updated_at, 7, level, index),
        _("Der Knoten %(level)s/%(index)s im Protokoll %(log)s passt nicht zu seinen Kindern.")
        % {"log": tree.log_id, "level": level, "index": index},
    )


def _check_tree(
    tree: LogTree,
    leaves: Iterator[tuple[Any, ...]],
    nodes: "_Peek",
    heads: dict[int, list[SignedTreeHead]],
) -> Iterator[Problem]:
    """Recompute the tree from its leaves: its nodes, its head, every signed head of it."""
    for same_size in heads.values():
        for head in same_size:
            if not signing.verify_head(head):
                yield Problem(
                    (head.timestamp, 3, head.pk),
                    _("Die Signatur des Baumkopfs %(size)s von %(log)s ist ungültig.")
                    % {"size": head.size, "log": tree.log_id},
                )
    frontier = merkle.Frontier()
    stored = nodes.of(tree.pk)
    node = next(stored, None)
    nodes_ok = True

    def compare_heads() -> Iterator[Problem]:
        for head in heads.pop(frontier.size, []):
            if bytes(head.root) != frontier.root():
                yield Problem(
                    (head.timestamp, 4, head.pk),
                    _(
                        "Der signierte Baumkopf %(size)s vom %(time)s passt nicht mehr zum "
                        "Protokoll %(log)s."
                    )
                    % {"size": head.size, "time": head.timestamp.isoformat(), "log": tree.log_id},
                )

    yield from compare_heads()
    for _tree_id, index, digest, history_model, history_id, history_date in leaves:
        if index != frontier.size:
            yield Problem(
                (history_date, 5, index),
                _(
                    "Im Protokoll %(log)s fehlt Eintrag %(expected)s (nächster: %(index)s, "
                    "%(model)s #%(id)s)."
                )
                % {
                    "log": tree.log_id,
                    "expected": frontier.size,
                    "index": index,
                    "model": history_model,
                    "id": history_id,
                },
            )
            for _rest in leaves:
                pass
            nodes.skip(tree.pk)
            return
        for level, node_index, expected in frontier.append(bytes(digest)):
            if not nodes_ok:
                continue
            if node is None or (node[1], node[2]) != (level, node_index):
                yield _missing_node(tree, level, node_index)
                nodes_ok = False
            elif bytes(node[3]) != expected:
                yield _bad_node(tree, level, node_index)
                nodes_ok = False
            else:
                node = next(stored, None)
        yield from compare_heads()
    if nodes_ok and node is not None:
        # A stored node that no leaves complete.
        yield _bad_node(tree, node[1], node[2])
    nodes.skip(tree.pk)
    if frontier.size != tree.size or frontier.root() != bytes(tree.root):
        yield Problem(
            (tree.updated_at, 6, tree.pk),
            _("Der Kopf des Protokolls %(log)s (Größe %(size)s) passt nicht zu seinen Einträgen.")
            % {"log": tree.log_id, "size": tree.size},
        )
    for size, remaining in heads.items():
        for head in remaining:
            yield Problem(
                (head.timestamp, 4, head.pk),
                _("Der signierte Baumkopf %(size)s von %(log)s ist größer als das Protokoll.")
                % {"size": size, "log": tree.log_id},
            )


def check_trees(trees: dict[int, LogTree], using: str) -> Iterator[Problem]:
    """Each tree's leaves and stored nodes, read for all the group's trees at once."""
    ids = sorted(trees)
    heads: dict[int, dict[int, list[SignedTreeHead]]] = {}
    for head in (
        SignedTreeHead.objects.using(using)
        .filter(tree_id__in=ids)
        .select_related("key")
        .order_by("pk")
    ):
        heads.setdefault(head.tree_id, {}).setdefault(head.size, []).append(head)
    leaves = _Peek(
        stream(
            LogLeaf.objects.using(using)
            .filter(tree_id__in=ids)
            .order_by("tree_id", "index")
            .values_list(
                "tree_id", "index", "leaf_hash", "history_model", "history_id", "history_date"
            ),
            using,
        )
    )
    # A node (level, index) is completed by leaf ((index + 1) << level) - 1, after the lower
    # levels completed by the same leaf: the order `Frontier.append` yields them in.
    nodes = _Peek(
        stream(
            LogNode.objects.using(using)
            .filter(tree_id__in=ids)
            .annotate(
                completed_by=CombinedExpression(F("index") + 1, Combinable.BITLEFTSHIFT, F("level"))
                - 1
            )
            .order_by("tree_id", "completed_by", "level")
            .values_list("tree_id", "level", "index", "hash"),
            using,
        )
    )
    for tree_id in ids:
        tree = trees[tree_id]
        yield from _check_tree(tree, leaves.of(tree_id), nodes, heads.pop(tree_id, {}))
        leaves.skip(tree_id)


def verify_group(group: Group, *, using: str = "default", limit: int | None = None) -> Report:
    """Check one group of organisations, reading it in one snapshot."""
    report = Report(limit)
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if outermost:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                # The stored nodes are sorted by the leaf that completes them.
                cursor.execute("SET LOCAL work_mem = '64MB'")
        trees = {tree.pk: tree for tree in group.trees(using)}
        report.add(check_rows(group, trees, using))
        report.add(check_trees(trees, using))
    report.problems.sort()
    return report


def verify(
    *,
    organisation_id: int | None = None,
    using: str = "default",
    workers: int = 1,
    limit: int | None = None,
) -> Report:
    """Every mismatch between the history tables and the log (of one organisation), the
    earliest first; with `limit`, only the earliest that many (and how many in all)."""
    groups = plan_groups(using, organisation_id=organisation_id)
    report = Report(limit)
    work = functools.partial(verify_group, using=using, limit=limit)
    for found in run_groups(work, groups, using=using, workers=workers):
        report.merge(found)
    return report


def verify_log(
    *, organisation_id: int | None = None, using: str = "default", workers: int = 1
) -> list[Problem]:
    """Every mismatch between the history tables and the log (of one organisation), first first."""
    return verify(organisation_id=organisation_id, using=using, workers=workers).problems
