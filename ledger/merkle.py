"""Merkle trees as RFC 9162 (Certificate Transparency 2.0), section 2.1, defines them.

Leaf hash `SHA-256(0x00 || data)`, node hash `SHA-256(0x01 || left || right)`, the root of the
empty tree `SHA-256("")`; inclusion and consistency proofs and their verification follow the
RFC's algorithms (2.1.3, 2.1.4). The stored tree keeps its right frontier (`Frontier`), so an
append costs O(log n) and the hashes of completed subtrees are written once, never recomputed.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: SHA-256 over 0x00 and the leaf's data."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256 over 0x01 and its children's hashes."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def largest_power_of_two_below(n: int) -> int:
    """The largest power of two k with k < n (n > 1): where RFC 9162 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of leaf hashes, computed directly (for tests and small trees)."""
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return hashes[0]
    k = largest_power_of_two_below(n)
    return node_hash(root_of(hashes[:k]), root_of(hashes[k:]))


class Frontier:
    """The right edge of a tree: the roots of its perfect subtrees, largest first.

    A tree of n leaves has one perfect subtree per set bit of n; appending a leaf merges equal
    subtrees like a binary counter carries, and each merge completes one interior node.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError("frontier does not match the tree size")
        self.size = size
        self.hashes = list(hashes)

    @classmethod
    def from_bytes(cls, size: int, packed: bytes) -> "Frontier":
        if len(packed) % HASH_SIZE:
            raise ValueError("frontier is not a sequence of hashes")
        return cls(size, [packed[i : i + HASH_SIZE] for i in range(0, len(packed), HASH_SIZE)])

    def to_bytes(self) -> bytes:
        return b"".join(self.hashes)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; returns the completed interior nodes as (level, index, hash)."""
        completed = []
        current = leaf
        index = self.size
        level = 0
        while index & 1:
            current = node_hash(self.hashes.pop(), current)
            index >>= 1
            level += 1
            completed.append((level, index, current))
        self.hashes.append(current)
        self.size += 1
        return completed

    def root(self) -> bytes:
        """MTH of the whole tree: the frontier folded from the right."""
        if not self.hashes:
            return EMPTY_ROOT
        current = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            current = node_hash(left, current)
        return current


def root_of_stream(hashes: Iterable[bytes]) -> tuple[int, bytes]:
    """Size and root of a tree given its leaf hashes in order, in O(log n) memory."""
    frontier = Frontier()
    for h in hashes:
        frontier.append(h)
    return frontier.size, frontier.root()


# A range [start, end) of leaves whose subtree hash MTH(D[start:end]) a proof needs.
Range = tuple[int, int]


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The subtrees of PATH(index, D[size]) (RFC 9162 2.1.3.1), from the leaf upwards."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")

    def path(m: int, start: int, n: int) -> list[Range]:
        if n == 1:
            return []
        k = largest_power_of_two_below(n)
        if m < k:
            return [*path(m, start, k), (start + k, start + n)]
        return [*path(m - k, start + k, n - k), (start, start + k)]

    return path(index, 0, size)


def consistency_ranges(first: int, second: int) -> list[Range]:
    """The subtrees of PROOF(first, D[second]) (RFC 9162 2.1.4.1)."""
    if not 0 < first <= second:
        raise ValueError("tree sizes must satisfy 0 < first <= second")

    def subproof(m: int, start: int, n: int, complete: bool) -> list[Range]:
        if m == n:
            return [] if complete else [(start, start + n)]
        k = largest_power_of_two_below(n)
        if m <= k:
            return [*subproof(m, start, k, complete), (start + k, start + n)]
        return [*subproof(m - k, start + k, n - k, False), (start, start + k)]

    return subproof(first, 0, second, True)


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """A range of a proof as the perfect, aligned subtrees it consists of, as (level, index).

    Every range a proof names starts on a multiple of a power of two at least its length, so it
    splits into the binary digits of its length, largest first; its hash folds them from the
    right (`fold_subtrees`).
    """
    parts = []
    position = start
    while position < end:
        level = (end - position).bit_length() - 1
        while position % (1 << level):
            level -= 1
        parts.append((level, position >> level))
        position += 1 << level
    return parts


def fold_subtrees(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its perfect subtrees' hashes, largest first."""
    current = hashes[-1]
    for left in reversed(hashes[:-1]):
        current = node_hash(left, current)
    return current


def resolve_ranges(
    ranges: Sequence[Range], lookup: Callable[[set[tuple[int, int]]], dict[tuple[int, int], bytes]]
) -> list[bytes]:
    """The hashes of the ranges, with all stored subtree hashes fetched by one `lookup` call."""
    needed = {part for start, end in ranges for part in perfect_subtrees(start, end)}
    found = lookup(needed)
    return [fold_subtrees([found[p] for p in perfect_subtrees(s, e)]) for s, e in ranges]


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: whether `proof` shows the leaf hash at `index` in the tree `root`."""
    if index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: whether `proof` shows the tree `first_root` is a prefix of the second."""
    if first == second:
        return not proof and first_root == second_root
    if first == 0 or first > second:
        return False
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first root itself starts the path
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
