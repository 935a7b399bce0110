"""The Merkle code against the test vectors of the Certificate Transparency reference code and
against the RFC 9162 definitions, for every tree up to a size and every proof in it."""

import pytest

from ledger import merkle

# The leaves and roots of the RFC 6962 / 9162 reference tests (certificate-transparency-go,
# merkletree tests); the hashing is the same in both RFCs.
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (index, size, path)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (first, second, proof)
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]


def _lookup(hashes):
    def lookup(needed):
        return {
            (level, index): merkle.root_of(hashes[index << level : (index + 1) << level])
            for level, index in needed
        }

    return lookup


def test_the_empty_tree_has_the_hash_of_nothing():
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert merkle.Frontier().root() == merkle.EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_reference_vectors(size):
    assert merkle.root_of(HASHES[:size]).hex() == ROOTS[size - 1]
    frontier = merkle.Frontier()
    for h in HASHES[:size]:
        frontier.append(h)
    assert frontier.root().hex() == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_reference_vectors(index, size, path):
    ranges = merkle.inclusion_ranges(index, size)
    proof = merkle.resolve_ranges(ranges, _lookup(HASHES))
    assert [p.hex() for p in proof] == path
    assert merkle.verify_inclusion(
        index, size, HASHES[index], proof, bytes.fromhex(ROOTS[size - 1])
    )


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_consistency_proofs_match_the_reference_vectors(first, second, proof):
    ranges = merkle.consistency_ranges(first, second)
    computed = merkle.resolve_ranges(ranges, _lookup(HASHES))
    assert [p.hex() for p in computed] == proof
    assert merkle.verify_consistency(
        first, second, bytes.fromhex(ROOTS[first - 1]), bytes.fromhex(ROOTS[second - 1]), computed
    )


def test_every_proof_of_every_small_tree_verifies_and_a_changed_one_does_not():
    hashes = [merkle.leaf_hash(bytes([i])) for i in range(70)]
    lookup = _lookup(hashes)
    for size in range(1, 70):
        root = merkle.root_of(hashes[:size])
        for index in range(size):
            proof = merkle.resolve_ranges(merkle.inclusion_ranges(index, size), lookup)
            assert merkle.verify_inclusion(index, size, hashes[index], proof, root)
            # The same proof cannot vouch for another leaf or another position.
            assert not merkle.verify_inclusion(index, size, hashes[(index + 1) % 70], proof, root)
            if size > 1:
                assert not merkle.verify_inclusion(
                    (index + 1) % size, size, hashes[index], proof, root
                )
        for first in range(1, size + 1):
            proof = merkle.resolve_ranges(merkle.consistency_ranges(first, size), lookup)
            first_root = merkle.root_of(hashes[:first])
            assert merkle.verify_consistency(first, size, first_root, root, proof)
            if first < size:
                assert not merkle.verify_consistency(first, size, first_root, root, proof[:-1])
                assert not merkle.verify_consistency(
                    first, size, hashes[0] if first > 1 else hashes[1], root, proof
                )


def test_the_frontier_stores_each_completed_node_once():
    frontier = merkle.Frontier()
    completed = []
    for h in HASHES:
        completed.extend(frontier.append(h))
    # A tree of eight leaves has 4 + 2 + 1 interior nodes.
    assert sorted((level, index) for level, index, _ in completed) == [
        (1, 0),
        (1, 1),
        (1, 2),
        (1, 3),
        (2, 0),
        (2, 1),
        (3, 0),
    ]
    assert {(lv, ix): h for lv, ix, h in completed}[(3, 0)].hex() == ROOTS[7]
    assert merkle.Frontier.from_bytes(8, frontier.to_bytes()).root() == frontier.root()
