#!/usr/bin/env python3
"""Check a downloaded public change log of KI-Register against a signed tree head.

Needs only Python 3.11+ and the `cryptography` package; trusts nothing the server says beyond
the public key you give it. Usage:

    python verify_log.py protokoll-<slug>.jsonl --head head.json --public-key <64 hex digits>

`head.json` is one signed tree head (an element of `signed_heads` from
/api/v1/public/log/<slug>/heads/, or the page /daten/protokoll/'s values written as such an
object: log, size, root, timestamp, key_id, signature). Exit code 0: the log's first `size`
entries give exactly that root, the signature verifies, and every revealed field value matches
its leaf; 1 otherwise, with the first problem named. The format is described in README.md,
"Verifiable change log".
"""

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HEAD_FORMAT = "KI-Register tree head v1"


class LogError(Exception):
    """The log does not verify."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_of(leaf_hashes: Iterable[bytes]) -> tuple[int, bytes]:
    """Size and RFC 9162 root of leaf hashes in order, keeping only the tree's right edge."""
    stack: list[bytes] = []
    size = 0
    for current in leaf_hashes:
        index = size
        while index & 1:
            current = node_hash(stack.pop(), current)
            index >>= 1
        stack.append(current)
        size += 1
    if not stack:
        return 0, hashlib.sha256(b"").digest()
    root = stack[-1]
    for left in reversed(stack[:-1]):
        root = node_hash(left, root)
    return size, root


def head_message(head: dict[str, Any]) -> bytes:
    return (
        f"{HEAD_FORMAT}\nlog: {head['log']}\nsize: {int(head['size'])}\n"
        f"root: {head['root']}\ntimestamp: {int(head['timestamp'])}\n"
    ).encode("ascii")


def check_signature(head: dict[str, Any], public_key_hex: str) -> None:
    raw = bytes.fromhex(public_key_hex)
    if hashlib.sha256(raw).hexdigest() != head["key_id"]:
        raise LogError("the public key given is not the key the head names (key_id)")
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(
            bytes.fromhex(head["signature"]), head_message(head)
        )
    except InvalidSignature as error:
        raise LogError("the tree head's signature does not verify") from error


def entry_hashes(lines: Iterable[str], log_id: str, size: int) -> Iterable[bytes]:
    """Each entry's leaf hash after checking the entry; stops after `size` entries."""
    for expected, line in enumerate(lines):
        if expected == size:
            return
        entry = json.loads(line)
        if entry.get("index") != expected:
            raise LogError(f"entry {expected}: found index {entry.get('index')}")
        if "leaf" not in entry:
            raise LogError(f"entry {expected}: the server no longer has its history row")
        data = entry["leaf"].encode("ascii")
        leaf = json.loads(data)
        if leaf.get("log") != log_id:
            raise LogError(f"entry {expected}: belongs to log {leaf.get('log')!r}, not {log_id!r}")
        for name, shown in entry.get("revealed", {}).items():
            digest = hashlib.sha256(
                b"\x02" + bytes.fromhex(shown["salt"]) + shown["value"].encode("ascii")
            ).hexdigest()
            if leaf["fields"].get(name) != digest:
                raise LogError(f"entry {expected}: field {name!r} does not match its leaf")
        yield leaf_hash(data)


def verify(log_path: str, head: dict[str, Any], public_key_hex: str) -> int:
    """Check the log file against the head; returns the number of entries checked."""
    check_signature(head, public_key_hex)
    with open(log_path, encoding="ascii") as handle:
        header = json.loads(handle.readline())
        if header.get("log") != head["log"]:
            raise LogError(f"the file is log {header.get('log')!r}, the head is {head['log']!r}")
        size, root = root_of(entry_hashes(handle, head["log"], int(head["size"])))
    if size != int(head["size"]):
        raise LogError(f"the file holds {size} entries, the head {head['size']}")
    if root.hex() != head["root"]:
        raise LogError("the entries do not give the signed root: the log was changed")
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log", help="the downloaded .jsonl file")
    parser.add_argument("--head", required=True, help="a JSON file with one signed tree head")
    parser.add_argument("--public-key", required=True, help="the Ed25519 public key, hex")
    args = parser.parse_args(argv)
    with open(args.head, encoding="utf-8") as handle:
        head = json.load(handle)
    try:
        size = verify(args.log, head, args.public_key)
    except (LogError, ValueError, KeyError) as error:
        print(f"NOT VERIFIED: {error}", file=sys.stderr)
        return 1
    print(f"verified: {size} entries of {head['log']} give root {head['root']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
