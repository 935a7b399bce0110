"""Entering history rows the log does not hold yet, in bulk: the initial build of the log.

History written before the log existed (or by the benchmark's loader, which bypasses the
services) is entered in the order it happened, per tree. The work is split into groups of
organisations (`ledger.partition`): each group is one transaction that locks the group's trees,
streams the group's unlogged rows of every tracked model (merged by time), appends them and
stores the new heads. On PostgreSQL groups run in parallel worker processes and leaves and
nodes are written with COPY; memory grows with neither the number of rows nor of trees.

A writer of an organisation whose group is being built waits for that group's transaction,
as it would for any other writer of its tree; groups already built keep what they entered if
a later one fails, and a second run enters only what is still missing.
"""

import functools
import heapq
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, OperationalError, connections, transaction
from django.utils import timezone

from ledger import merkle
from ledger.leaves import LeafCodec, TrackedModel, leaf_codec, tracked_models
from ledger.models import LogLeaf, LogNode, LogTree
from ledger.partition import Group, history_rows, plan_groups, run_groups
from ledger.services import SALT_SIZE, tree_key

FLUSH = 10_000
DEADLOCK = "40P01"
RETRIES = 3

# A history row's leaf salt from (history model, history id); by default random. Tests pass a
# fixed one to compare two builds.
SaltSource = Callable[[str, int], bytes]
TreeKey = tuple[str, int | None]


def random_salt(_history_model: str, _history_id: int) -> bytes:
    return os.urandom(SALT_SIZE)


@dataclass
class _Tree:
    tree: LogTree
    frontier: merkle.Frontier
    log_id: str


class _Batch:
    """Leaves and nodes of one group waiting to be written, and the group's trees.

    Leaves and nodes name their tree by its object: a tree the group creates gets its id when
    the batch is written.
    """

    def __init__(self, group: Group, using: str) -> None:
        self.using = using
        self.copy = connections[using].vendor == "postgresql"
        self.leaves: list[tuple[Any, ...]] = []
        self.nodes: list[tuple[LogTree, int, int, bytes]] = []
        # The trees that exist are locked first, in id order, like one writer would.
        locked = group.trees(using).select_for_update().order_by("pk")
        self.trees: dict[TreeKey, _Tree] = {
            (tree.scope, tree.organisation_id): self._state(tree) for tree in locked
        }
        self.new: list[LogTree] = []
        self.touched: set[TreeKey] = set()

    @staticmethod
    def _state(tree: LogTree) -> _Tree:
        return _Tree(tree, merkle.Frontier.from_bytes(tree.size, bytes(tree.frontier)), tree.log_id)

    def tree(self, key: TreeKey) -> _Tree:
        state = self.trees.get(key)
        if state is None:
            # A tree that did not exist when the group began. It is inserted with the next
            # write; should a writer have created it meanwhile, that insert fails and the
            # group starts again (then finding it, and locking it first).
            tree = LogTree(scope=key[0], organisation_id=key[1], root=merkle.EMPTY_ROOT)
            self.new.append(tree)
            state = self.trees[key] = self._state(tree)
        self.touched.add(key)
        return state

    def flush(self) -> None:
        if self.new:
            LogTree.objects.using(self.using).bulk_create(self.new)
            self.new.clear()
        if self.copy:
            self._copy()
        else:
            LogLeaf.objects.using(self.using).bulk_create(
                [
                    LogLeaf(
                        tree=tree,
                        index=index,
                        history_model=model,
                        history_id=history_id,
                        salt=salt,
                        leaf_hash=digest,
                        history_date=date,
                    )
                    for tree, index, model, history_id, salt, digest, date in self.leaves
                ],
                batch_size=2000,
            )
            LogNode.objects.using(self.using).bulk_create(
                [
                    LogNode(tree=tree, level=level, index=index, hash=digest)
                    for tree, level, index, digest in self.nodes
                ],
                batch_size=2000,
            )
        self.leaves.clear()
        self.nodes.clear()

    def _copy(self) -> None:
        """PostgreSQL's COPY for the build's millions of rows (the log's own tables)."""
        with connections[self.using].cursor() as cursor:
            raw = cursor.cursor
            leaf_columns = (
                "tree_id, index, history_model, history_id, salt, leaf_hash, history_date"
            )
            with raw.copy(f"COPY {LogLeaf._meta.db_table} ({leaf_columns}) FROM STDIN") as copy:
                for tree, *leaf in self.leaves:
                    copy.write_row((tree.pk, *leaf))
            node_columns = "tree_id, level, index, hash"
            with raw.copy(f"COPY {LogNode._meta.db_table} ({node_columns}) FROM STDIN") as copy:
                for tree, level, index, digest in self.nodes:
                    copy.write_row((tree.pk, level, index, digest))

    def store_heads(self) -> None:
        now = timezone.now()
        changed = []
        for key in self.touched:
            state = self.trees[key]
            state.tree.size = state.frontier.size
            state.tree.root = state.frontier.root()
            state.tree.frontier = state.frontier.to_bytes()
            state.tree.updated_at = now
            changed.append(state.tree)
        LogTree.objects.using(self.using).bulk_update(
            changed, ["size", "root", "frontier", "updated_at"], batch_size=500
        )


Entry = tuple[Any, str, int, TrackedModel, LeafCodec, tuple[Any, ...], int | None, dict[str, Any]]


def _entries(
    tracked: TrackedModel, group: Group, using: str, parents: dict[Any, Any]
) -> Iterator[Entry]:
    codec = leaf_codec(tracked)
    label = tracked.label
    for row, organisation_id, m2m in history_rows(
        tracked, group, using, order=("history_date", "history_id"), unlogged=True, parents=parents
    ):
        yield row[1], label, row[0], tracked, codec, row, organisation_id, m2m


def _sort_key(entry: Entry) -> tuple[Any, str, int]:
    return entry[0], entry[1], entry[2]


def build_group(group: Group, *, using: str = "default", salts: SaltSource = random_salt) -> int:
    """Enter the group's unlogged history rows, in one transaction; returns how many."""
    for attempt in range(RETRIES):
        try:
            return _build_group(group, using, salts)
        except IntegrityError:
            # A writer created one of the group's new trees first: start again from what is
            # committed (the tree now exists and is locked with the others).
            if attempt == RETRIES - 1:
                raise
        except OperationalError as error:
            # A writer that created one of the group's trees while holding another: PostgreSQL
            # ended one of the two; the group starts again from what is committed.
            if getattr(error.__cause__, "sqlstate", None) != DEADLOCK or attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _build_group(group: Group, using: str, salts: SaltSource) -> int:
    entered = 0
    with transaction.atomic(using=using):
        batch = _Batch(group, using)
        parents: dict[Any, Any] = {}
        streams = [_entries(t, group, using, parents) for t in tracked_models()]
        leaves = batch.leaves
        nodes = batch.nodes
        for _date, _label, history_id, tracked, codec, row, organisation_id, m2m in heapq.merge(
            *streams, key=_sort_key
        ):
            state = batch.tree(tree_key(tracked, organisation_id))
            history_model = tracked.history_label
            salt = salts(history_model, history_id)
            digest = merkle.leaf_hash(codec.data(state.log_id, row, m2m, salt))
            tree = state.tree
            index = state.frontier.size
            for level, node_index, node in state.frontier.append(digest):
                nodes.append((tree, level, node_index, node))
            leaves.append((tree, index, history_model, history_id, salt, digest, row[1]))
            entered += 1
            if len(leaves) >= FLUSH:
                batch.flush()
        batch.flush()
        batch.store_heads()
    return entered


def build_log(
    *,
    using: str = "default",
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    salts: SaltSource = random_salt,
) -> int:
    """Enter every history row that has no leaf yet; returns how many were entered.

    `workers` > 1 builds that many groups at once in worker processes (PostgreSQL, outside a
    transaction); `progress` is called with the running total after each group.
    """
    groups = plan_groups(using)
    entered = 0
    work = functools.partial(build_group, using=using, salts=salts)
    for count in run_groups(work, groups, using=using, workers=workers):
        entered += count
        if progress:
            progress(entered)
    return entered
