"""The Celery application; tasks run eagerly when no broker is configured (the local demo)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("ki_register")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
