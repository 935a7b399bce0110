"""The local demo: SQLite, debug, password login on, mail on the console, tasks eager."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-demo-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("PASSWORD_LOGIN_ENABLED", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
os.environ.setdefault("EAGER_TASKS_ALLOWED", "true")

from config.settings.base import *  # noqa: F403

# Eager tasks would log every success into the demo's console and bury the printed logins.
LOGGING["loggers"] = {"celery.app.trace": {"level": "WARNING"}}
