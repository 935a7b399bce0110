"""Liveness and readiness: cheap enough for a load balancer to poll every few seconds.

Liveness only says the process answers. Readiness asks each dependency once, with a short
timeout: the database (`SELECT 1`), the cache (a write and a read), the broker (PING) and whether
every migration this code knows is applied (read from `django_migrations` until it is true once;
a process never goes back to an older schema).
"""

import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.loader import MigrationLoader

CHECK_TIMEOUT_SECONDS = 2.0
_migrations_applied = False
_expected_migrations: set[tuple[str, str]] | None = None


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = "ops:readiness"
    value = str(time.time())
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return what was written")


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://")):
        return
    client = redis.Redis.from_url(
        url, socket_timeout=CHECK_TIMEOUT_SECONDS, socket_connect_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def _expected() -> set[tuple[str, str]]:
    global _expected_migrations
    if _expected_migrations is None:
        # The migration files on disk are the code's; reading them once per process is enough.
        loader = MigrationLoader(None, ignore_no_migrations=True)
        _expected_migrations = set(loader.disk_migrations)
    return _expected_migrations


def check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = {(app, name) for app, name in cursor.fetchall()}
    missing = _expected() - applied
    if missing:
        raise RuntimeError(f"{len(missing)} migrations not applied")
    _migrations_applied = True


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "migrations": check_migrations,
}


def readiness() -> dict[str, str]:
    """Each check's result: "ok", or the kind of error (never its text: no addresses leak)."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # a failed check is an answer, never a 500
            results[name] = type(exc).__name__
        else:
            results[name] = "ok"
    return results


def reset_migration_cache() -> None:
    """Forget that the migrations were applied (the tests roll the schema back)."""
    global _migrations_applied
    _migrations_applied = False
