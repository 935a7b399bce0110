"""Signed tree heads: a tree's size and root at a moment, signed with the installation's key.

The key is Ed25519 (`cryptography`), read from `LEDGER_SIGNING_KEY_FILE` (a PKCS#8 PEM file)
or `LEDGER_SIGNING_KEY` (the same PEM text). Rotating it means configuring a new one: the old
public keys stay in `SigningKey`, so heads signed before remain verifiable and published.

The signed message is ASCII text, one `name: value` per line, each line ending in LF:

    KI-Register tree head v1
    log: <log id>
    size: <number of leaves>
    root: <root hash, 64 lowercase hex digits>
    timestamp: <milliseconds since 1970-01-01T00:00:00Z>
"""

import datetime
import functools
import hashlib
from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ledger.models import LogTree, SignedTreeHead, SigningKey

HEAD_FORMAT = "KI-Register tree head v1"


def head_message(log_id: str, size: int, root: bytes, timestamp: datetime.datetime) -> bytes:
    """The exact bytes a tree head's signature covers."""
    milliseconds = round(timestamp.timestamp() * 1000)
    return (
        f"{HEAD_FORMAT}\nlog: {log_id}\nsize: {size}\nroot: {root.hex()}\n"
        f"timestamp: {milliseconds}\n"
    ).encode("ascii")


def key_id(public_key: bytes) -> str:
    """A key's name: SHA-256 of its 32 raw bytes, in hex."""
    return hashlib.sha256(public_key).hexdigest()


def raw_public_key(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@functools.cache
def _load_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("LEDGER_SIGNING_KEY is not an Ed25519 private key")
    return key


def configured_key() -> Ed25519PrivateKey | None:
    """The installation's signing key, or None when none is configured."""
    path = getattr(settings, "LEDGER_SIGNING_KEY_FILE", "")
    if path:
        with open(path, "rb") as handle:
            return _load_key(handle.read())
    pem = getattr(settings, "LEDGER_SIGNING_KEY", "")
    if pem:
        return _load_key(pem.encode("ascii"))
    return None


def generate_key_pem() -> bytes:
    """A new Ed25519 private key as PKCS#8 PEM (for `manage.py create_signing_key`)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _signing_key_row(key: Ed25519PrivateKey, now: datetime.datetime) -> SigningKey:
    public = raw_public_key(key)
    row, created = SigningKey.objects.get_or_create(
        key_id=key_id(public),
        defaults={"public_key": public, "first_used_at": now, "last_used_at": now},
    )
    if not created:
        row.last_used_at = now
        row.save(update_fields=["last_used_at"])
    return row


def sign_tree_heads(
    *, occasion: str, trees: Iterable[LogTree] | None = None, force: bool = False
) -> list[SignedTreeHead]:
    """Sign the current head of each tree that changed since its last signed head (or, with
    `force`, of each tree); nothing when no key is configured."""
    key = configured_key()
    if key is None:
        return []
    now = timezone.now()
    # Milliseconds, as the signed message carries them.
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    candidates = LogTree.objects.filter(size__gt=0)
    if trees is not None:
        candidates = candidates.filter(pk__in=[tree.pk for tree in trees])
    # A plain read: a head row's size and root are always written together.
    candidates = candidates.annotate(last_signed=Max("signed_heads__size")).order_by("pk")
    with transaction.atomic():
        key_row = _signing_key_row(key, now)
        heads = [
            SignedTreeHead(
                tree=tree,
                size=tree.size,
                root=bytes(tree.root),
                timestamp=now,
                key=key_row,
                signature=key.sign(head_message(tree.log_id, tree.size, bytes(tree.root), now)),
                occasion=occasion,
            )
            for tree in candidates.iterator(chunk_size=2000)
            if force or tree.last_signed != tree.size
        ]
        return SignedTreeHead.objects.bulk_create(heads, batch_size=2000)


def verify_head(head: SignedTreeHead) -> bool:
    """Whether a signed head's signature verifies with its key."""
    public = Ed25519PublicKey.from_public_bytes(bytes(head.key.public_key))
    message = head_message(head.tree.log_id, head.size, bytes(head.root), head.timestamp)
    try:
        public.verify(bytes(head.signature), message)
    except InvalidSignature:
        return False
    return True
