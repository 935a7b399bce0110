"""Reads of the log: trees and signed heads, proofs from stored subtrees, the public download."""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Organisation
from ledger import merkle
from ledger.leaves import (
    by_history_label,
    canonical_json,
    field_salt,
    field_values,
    leaf_document,
    m2m_values,
    row_columns,
)
from ledger.models import LogLeaf, LogNode, LogTree, SignedTreeHead, SigningKey
from registry.models import PublishedUseCase
from registry.publication import withheld_names

CHUNK = 2000
# Never shown to the public: who changed a public record and why (the public change log
# says what and when only).
NEVER_REVEALED = frozenset({"history_user_id", "history_change_reason"})


def signing_keys() -> QuerySet[SigningKey]:
    """Every key the installation has signed with, newest first: old ones stay published."""
    return SigningKey.objects.order_by("-first_used_at")


def tree_of(organisation: Organisation, scope: str) -> LogTree | None:
    return LogTree.objects.filter(organisation_id=organisation.pk, scope=scope).first()


def organisation_version(organisation_id: int) -> bytes | None:
    """The root of the organisation's internal change log (None: nothing recorded yet).

    Every tracked change of a record of the organisation (its use cases and their children,
    departments, ratings, measurements, assessments, the organisation itself) appends a leaf in
    the change's own transaction, and each leaf carries a random salt: the root is a version of
    all of the organisation's internal data that changes with every write, is never the same
    for different contents, and is read with one indexed query. What is derived from those
    records can be kept under it and is never served once they changed.
    """
    roots = LogTree.objects.filter(
        scope=LogTree.Scope.INTERNAL, organisation_id=organisation_id
    ).values_list("root", flat=True)[:1]
    for root in roots:
        return bytes(root)
    return None


def access_log_organisation(slug: str) -> Organisation:
    """The organisation with this slug; 404 otherwise."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def signed_heads(tree: LogTree) -> QuerySet[SignedTreeHead]:
    return (
        SignedTreeHead.objects.filter(tree=tree)
        .select_related("key", "tree")
        .order_by("-size", "-timestamp")
    )


def latest_heads(organisation_ids: Sequence[int]) -> dict[tuple[int, str], SignedTreeHead]:
    """The newest signed head of each tree of these organisations, by (organisation, scope)."""
    heads = (
        SignedTreeHead.objects.filter(tree__organisation_id__in=organisation_ids)
        .select_related("key", "tree")
        .order_by("tree_id", "-size", "-timestamp")
    )
    result: dict[tuple[int, str], SignedTreeHead] = {}
    for head in heads:
        key = (head.tree.organisation_id or 0, head.tree.scope)
        result.setdefault(key, head)
    return result


def head_document(head: SignedTreeHead) -> dict[str, Any]:
    """A signed tree head as the API and the download publish it."""
    return {
        "log": head.tree.log_id,
        "size": head.size,
        "root": bytes(head.root).hex(),
        "timestamp": head.timestamp_ms,
        "key_id": head.key.key_id,
        "signature": bytes(head.signature).hex(),
    }


def _subtree_hashes(tree: LogTree, needed: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of perfect subtrees (level 0: leaves), in at most two queries."""
    found: dict[tuple[int, int], bytes] = {}
    leaves = [index for level, index in needed if level == 0]
    if leaves:
        for index, digest in LogLeaf.objects.filter(tree=tree, index__in=leaves).values_list(
            "index", "leaf_hash"
        ):
            found[(0, index)] = bytes(digest)
    by_level: dict[int, list[int]] = {}
    for level, index in needed:
        if level:
            by_level.setdefault(level, []).append(index)
    if by_level:
        condition = Q()
        for level, indexes in by_level.items():
            condition |= Q(level=level, index__in=indexes)
        for level, index, digest in LogNode.objects.filter(condition, tree=tree).values_list(
            "level", "index", "hash"
        ):
            found[(level, index)] = bytes(digest)
    return found


def inclusion_proofs(tree: LogTree, indexes: Sequence[int], size: int) -> dict[int, list[bytes]]:
    """The audit path of each leaf index in the tree of `size` leaves."""
    ranges = {index: merkle.inclusion_ranges(index, size) for index in indexes}
    flat = [r for rs in ranges.values() for r in rs]
    hashes = merkle.resolve_ranges(flat, lambda needed: _subtree_hashes(tree, needed))
    result = {}
    position = 0
    for index, rs in ranges.items():
        result[index] = hashes[position : position + len(rs)]
        position += len(rs)
    return result


def consistency_proof(tree: LogTree, first: int, second: int) -> list[bytes]:
    """RFC 9162's consistency proof between the tree's sizes `first` and `second`."""
    if first == second:
        return []
    return merkle.resolve_ranges(
        merkle.consistency_ranges(first, second), lambda needed: _subtree_hashes(tree, needed)
    )


def _hidden_fields(
    use_case_id: int | None, withheld_now: dict[int, dict[str, str]], row: dict[str, Any]
) -> frozenset[str]:
    if use_case_id not in withheld_now:
        # Withdrawn: its versions are no longer public, only that they existed.
        return frozenset({"*"})
    return withheld_names(withheld_now[use_case_id], row.get("withheld") or {}) | NEVER_REVEALED


def public_entries(
    tree: LogTree, leaves: QuerySet[LogLeaf] | None = None
) -> Iterator[dict[str, Any]]:
    """The public tree's entries in order, each with its leaf data and the salts and values of
    the fields the public may see (not who or why, nothing withheld now, nothing of an entry
    withdrawn from the register)."""
    tracked_by_label = by_history_label()
    leaves = (leaves if leaves is not None else LogLeaf.objects.filter(tree=tree)).order_by("index")
    chunk: list[dict[str, Any]] = []

    def flush() -> Iterator[dict[str, Any]]:
        by_model: dict[str, list[int]] = {}
        for leaf in chunk:
            by_model.setdefault(leaf["history_model"], []).append(leaf["history_id"])
        rows: dict[tuple[str, int], tuple[dict[str, Any], dict[str, Any]]] = {}
        use_case_ids: set[int] = set()
        for label, ids in by_model.items():
            tracked = tracked_by_label[label]
            found = tracked.history_model._default_manager.filter(history_id__in=ids).values(
                *row_columns(tracked)
            )
            m2m = m2m_values(tracked, ids, "default")
            for row in found:
                rows[(label, row["history_id"])] = (row, m2m.get(row["history_id"], {}))
                if row.get("use_case_id") is not None:
                    use_case_ids.add(row["use_case_id"])
        withheld_now = dict(
            PublishedUseCase.objects.filter(use_case_id__in=use_case_ids).values_list(
                "use_case_id", "withheld"
            )
        )
        for leaf in chunk:
            tracked = tracked_by_label[leaf["history_model"]]
            found_row = rows.get((leaf["history_model"], leaf["history_id"]))
            if found_row is None:
                # The history row is gone: the entry says so, and no head verifies over it.
                yield {"index": leaf["index"], "missing": True}
                continue
            row, row_m2m = found_row
            salt = bytes(leaf["salt"])
            values = field_values(tracked, row, row_m2m)
            document = leaf_document(tracked, tree.log_id, row, values, salt)
            hidden = _hidden_fields(row.get("use_case_id"), withheld_now, row)
            revealed = {
                name: {"value": value.decode("ascii"), "salt": field_salt(salt, name).hex()}
                for name, value in values.items()
                if "*" not in hidden and name not in hidden
            }
            yield {
                "index": leaf["index"],
                "leaf": canonical_json(document).decode("ascii"),
                "revealed": revealed,
            }

    values = leaves.values("index", "history_model", "history_id", "salt", "leaf_hash")
    for found in values.iterator(chunk_size=CHUNK):
        chunk.append(dict(found))
        if len(chunk) >= CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()
