"""What the board's pages derive from an organisation's records, computed once per version.

The version is the root of the organisation's internal change log
(`ledger.selectors.organisation_version`): every tracked change of its use cases, their children,
departments, ratings, measurements and assessments moves it in the change's own transaction.
It is read before the records, so a value computed from records newer than the version it is
kept under is at worst fresher than needed, never older; a change made through one web instance
is never served stale by another, whether the cache is shared (Redis) or per process.
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from ledger.selectors import organisation_version
from portfolio import formula

T = TypeVar("T")


def per_version(organisation_id: int, name: str, compute: Callable[[], T], *parts: Any) -> T:
    """`compute()`, kept for the organisation's current version of its records, today's date
    (what is due depends on it), the formula's version and the language; computed afresh where
    the organisation has nothing recorded yet or the cache is turned off."""
    seconds = settings.ORGANISATION_CACHE_SECONDS
    version = organisation_version(organisation_id) if seconds > 0 else None
    if version is None:
        return compute()
    identity = repr(
        (
            organisation_id,
            version.hex(),
            name,
            parts,
            timezone.localdate().isoformat(),
            formula.FORMULA_VERSION,
            get_language(),
        )
    )
    key = "portfolio:" + hashlib.sha256(identity.encode()).hexdigest()
    kept: T | None = cache.get(key)
    if kept is not None:
        return kept
    value = compute()
    cache.set(key, value, seconds)
    return value
