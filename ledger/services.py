"""Appending history rows to the log: one at a time as they are written, or all at once.

`enter_history_row` runs for every history row django-simple-history writes, inside the
transaction of the change: it locks the row's tree (`SELECT … FOR UPDATE` on its head), appends
the leaf, the interior nodes it completes and the new head. Writers of different trees never
wait for each other; writers of one tree take turns, so a tree never forks.
"""

import os
from typing import Any

from django.db import IntegrityError, connections, models, transaction
from django.utils import timezone

from ledger import merkle
from ledger.leaves import (
    TrackedModel,
    by_history_model,
    leaf_data,
    m2m_values,
    row_columns,
)
from ledger.models import LogLeaf, LogNode, LogTree

SALT_SIZE = 16


def tree_key(tracked: TrackedModel, organisation_id: int | None) -> tuple[str, int | None]:
    """The tree a history row belongs to: (scope, organisation id)."""
    if organisation_id is None:
        return LogTree.Scope.INSTALLATION, None
    if tracked.public:
        return LogTree.Scope.PUBLIC, organisation_id
    return LogTree.Scope.INTERNAL, organisation_id


def locked_tree(scope: str, organisation_id: int | None, *, using: str) -> LogTree:
    """The tree's head row, locked until the transaction ends; created when missing."""
    trees = LogTree.objects.using(using).select_for_update()
    tree = trees.filter(scope=scope, organisation_id=organisation_id).first()
    if tree is not None:
        return tree
    try:
        with transaction.atomic(using=using):
            LogTree.objects.using(using).create(
                scope=scope, organisation_id=organisation_id, root=merkle.EMPTY_ROOT
            )
    except IntegrityError:
        pass  # another writer created it first; its row is locked below like any other
    return trees.get(scope=scope, organisation_id=organisation_id)


def append_leaves(tree: LogTree, leaves: list[LogLeaf], *, using: str) -> None:
    """Append leaves (their hashes set) to a locked tree and store its new head."""
    frontier = merkle.Frontier.from_bytes(tree.size, bytes(tree.frontier))
    nodes = []
    for leaf in leaves:
        leaf.tree = tree
        leaf.index = frontier.size
        for level, index, digest in frontier.append(bytes(leaf.leaf_hash)):
            nodes.append(LogNode(tree=tree, level=level, index=index, hash=digest))
    tree.size = frontier.size
    tree.root = frontier.root()
    tree.frontier = frontier.to_bytes()
    if connections[using].vendor == "postgresql":
        _store_in_one_statement(tree, leaves, nodes, using=using)
        return
    LogLeaf.objects.using(using).bulk_create(leaves)
    if nodes:
        LogNode.objects.using(using).bulk_create(nodes)
    tree.save(using=using, update_fields=["size", "root", "frontier", "updated_at"])


def _store_in_one_statement(
    tree: LogTree, leaves: list[LogLeaf], nodes: list[LogNode], *, using: str
) -> None:
    """Leaves, nodes and the new head in one round trip to PostgreSQL: every write does this
    inside its transaction, so each round trip saved is saved on every change."""
    tree.updated_at = timezone.now()
    leaf_table = LogLeaf._meta.db_table
    node_table = LogNode._meta.db_table
    tree_table = LogTree._meta.db_table
    # Table names from the models' metadata, values as parameters.
    sql = (
        f"WITH new_leaves AS (INSERT INTO {leaf_table} "  # noqa: S608
        "(tree_id, index, history_model, history_id, salt, leaf_hash, history_date) "
        "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::bigint[], "
        "%s::bytea[], %s::bytea[], %s::timestamptz[])), "
        f"new_nodes AS (INSERT INTO {node_table} (tree_id, level, index, hash) "
        "SELECT * FROM unnest(%s::bigint[], %s::smallint[], %s::bigint[], %s::bytea[])) "
        f"UPDATE {tree_table} SET size = %s, root = %s, frontier = %s, updated_at = %s "
        "WHERE id = %s"
    )
    params: list[Any] = [
        [tree.pk] * len(leaves),
        [leaf.index for leaf in leaves],
        [leaf.history_model for leaf in leaves],
        [leaf.history_id for leaf in leaves],
        [bytes(leaf.salt) for leaf in leaves],
        [bytes(leaf.leaf_hash) for leaf in leaves],
        [leaf.history_date for leaf in leaves],
        [tree.pk] * len(nodes),
        [node.level for node in nodes],
        [node.index for node in nodes],
        [bytes(node.hash) for node in nodes],
        tree.size,
        bytes(tree.root),
        bytes(tree.frontier),
        tree.updated_at,
        tree.pk,
    ]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)


def enter_history_row(
    sender: type[models.Model], history_instance: models.Model, using: str | None = None, **_: Any
) -> None:
    """Enter a just-written history row into its tree, in the transaction that wrote it."""
    tracked = by_history_model().get(sender)
    if tracked is None:
        return
    db = using or history_instance._state.db or "default"
    history_id = history_instance.pk
    # Read back from the database, as the verifier will: the bytes hashed are what is stored.
    row = (
        tracked.history_model._default_manager.using(db)
        .filter(pk=history_id)
        .annotate(ledger_organisation=tracked.organisation_expression())
        .values(*row_columns(tracked), "ledger_organisation")
        .get()
    )
    scope, organisation_id = tree_key(tracked, row["ledger_organisation"])
    # Inside the change's transaction (no savepoint needed: a failure here fails the change).
    with transaction.atomic(using=db, savepoint=False):
        tree = locked_tree(scope, organisation_id, using=db)
        salt = os.urandom(SALT_SIZE)
        data = leaf_data(
            tracked,
            tree.log_id,
            row,
            m2m_values(tracked, [history_id], db).get(history_id, {}),
            salt,
        )
        leaf = LogLeaf(
            history_model=tracked.history_label,
            history_id=history_id,
            salt=salt,
            leaf_hash=merkle.leaf_hash(data),
            history_date=row["history_date"],
        )
        append_leaves(tree, [leaf], using=db)


def enter_history_rows(
    sender: type[models.Model], rows: list[models.Model], using: str | None = None, **_: Any
) -> None:
    """Enter a batch of just-written history rows of one model (registry.history's bulk write).

    The same leaves as `enter_history_row` one by one, in the rows' order within each tree, but
    read back in one query and appended under one lock per tree; trees are locked in a fixed
    order (scope, organisation), so two batches never wait for each other in a cycle.
    """
    tracked = by_history_model().get(sender)
    if tracked is None or not rows:
        return
    db = using or "default"
    ids = [row.pk for row in rows]
    stored = {
        values["history_id"]: values
        for values in tracked.history_model._default_manager.using(db)
        .filter(pk__in=ids)
        .annotate(ledger_organisation=tracked.organisation_expression())
        .values(*row_columns(tracked), "ledger_organisation")
    }
    m2m = m2m_values(tracked, ids, db)
    by_tree: dict[tuple[str, int | None], list[dict[str, Any]]] = {}
    for history_id in ids:
        values = stored[history_id]
        by_tree.setdefault(tree_key(tracked, values["ledger_organisation"]), []).append(values)
    with transaction.atomic(using=db, savepoint=False):
        for scope, organisation_id in sorted(by_tree, key=lambda k: (k[0], k[1] or 0)):
            tree = locked_tree(scope, organisation_id, using=db)
            leaves = []
            for values in by_tree[(scope, organisation_id)]:
                salt = os.urandom(SALT_SIZE)
                data = leaf_data(
                    tracked, tree.log_id, values, m2m.get(values["history_id"], {}), salt
                )
                leaves.append(
                    LogLeaf(
                        history_model=tracked.history_label,
                        history_id=values["history_id"],
                        salt=salt,
                        leaf_hash=merkle.leaf_hash(data),
                        history_date=values["history_date"],
                    )
                )
            append_leaves(tree, leaves, using=db)


def log_id_for(scope: str, organisation_id: int | None) -> str:
    return LogTree(scope=scope, organisation_id=organisation_id).log_id


def database_vendor(using: str = "default") -> str:
    return connections[using].vendor
