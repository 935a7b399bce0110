"""Test settings: SQLite by default, PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "*")
os.environ.setdefault("PASSWORD_LOGIN_ENABLED", "true")
os.environ.setdefault("EAGER_TASKS_ALLOWED", "true")

from config.settings.base import *  # noqa: F403


def _evidence_directory() -> str:
    import atexit
    import shutil
    import tempfile

    directory = tempfile.mkdtemp(prefix="ki_register_evidence_")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# Threads the tests start (Celery worker, live server) would keep a persistent connection past
# their test and keep the test database from being dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The webhook tests run their receiver on http://127.0.0.1.
WEBHOOK_REQUIRE_HTTPS = False
WEBHOOK_PRIVATE_HOSTS_ALLOWED = ["127.0.0.1"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Each test process stores evidence files in a directory of its own, removed at exit.
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _evidence_directory()},
    },
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file in memory, not SQLite's shared in-memory database: there, a thread reading a table
    # another thread writes fails at once ("database table is locked") instead of waiting.
    import pathlib
    import tempfile

    _shm = pathlib.Path("/dev/shm")  # noqa: S108 - a per-process file name, test data only
    _directory = _shm if _shm.is_dir() else pathlib.Path(tempfile.gettempdir())
    DATABASES["default"]["TEST"] = {
        "NAME": str(_directory / f"ki_register_test_{os.getpid()}.sqlite3")
    }
    # Waits for a lock this long (the embedded Celery worker writes while the test does; on a
    # loaded machine 30 s were seen to run out).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 60
