"""The local demo: SQLite, debug, password login on, mail on the console, tasks eager."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-demo-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("PASSWORD_LOGIN_ENABLED", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
os.environ.setdefault("EAGER_TASKS_ALLOWED", "true")
# The demo's operator: a fictitious town, so that every public page shows whose register it is.
os.environ.setdefault("OPERATOR_NAME", "Stadt Lindenfeld")
os.environ.setdefault("OPERATOR_ADDRESS", "Rathausplatz 1\n12345 Lindenfeld")
os.environ.setdefault("OPERATOR_REPRESENTATIVE", "die Bürgermeisterin")
os.environ.setdefault("OPERATOR_EMAIL", "ki-register@lindenfeld.example")
os.environ.setdefault("OPERATOR_PHONE", "+49 12345 6789-0")
os.environ.setdefault("DATA_PROTECTION_OFFICER_CONTACT", "datenschutz@lindenfeld.example")

from config.settings.base import *  # noqa: F403

# Eager tasks would log every success into the demo's console and bury the printed logins.
# Without a broker the in-memory transport has no host name, which kombu warns about at every
# task: noise in a demo that runs tasks eagerly on purpose.
LOGGING["loggers"] = {
    "celery.app.trace": {"level": "WARNING"},
    "kombu.connection": {"level": "ERROR"},
}
