"""The Celery application; tasks run eagerly when no broker is configured (the local demo)."""

import os
from typing import Any

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


class InRequestSafeTask(Task):
    """A task whose retries never run inside the request that started it.

    Eagerly, Celery runs a retry at once in the calling process, ignoring its countdown: every
    attempt of a webhook or a mail would hold the user's request (each up to its timeout). Eagerly,
    a retry gives up instead; what was not delivered stays visible as failed.
    """

    def retry(self, *args: Any, exc: BaseException | None = None, **options: Any) -> Any:
        if self.request.is_eager:
            raise exc if exc is not None else self.MaxRetriesExceededError()
        return super().retry(*args, exc=exc, **options)


app = Celery("ki_register", task_cls=InRequestSafeTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
