"""Celery signals: the request id travels with a task, and a failed task is counted."""

import contextvars
from typing import Any

from celery import signals

from operations import metrics, requestid

_tokens: dict[str, contextvars.Token[str]] = {}


def _publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    # A task started by another task keeps the id of the request that started the first.
    if headers is not None and requestid.current.get():
        headers.setdefault(requestid.TASK_HEADER, requestid.current.get())


def _prerun(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    request_id = getattr(task.request, requestid.TASK_HEADER, None) if task else None
    # Eagerly (no broker) the task runs inside the request and keeps its id.
    _tokens[task_id] = requestid.current.set(str(request_id or requestid.current.get()))


def _postrun(task_id: str = "", **kwargs: Any) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        requestid.current.reset(token)


def _failure(sender: Any = None, **kwargs: Any) -> None:
    metrics.TASK_FAILURES.labels(task=getattr(sender, "name", "unknown")).inc()


def connect() -> None:
    signals.before_task_publish.connect(_publish, weak=False, dispatch_uid="ops-request-id")
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="ops-request-id-in")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="ops-request-id-out")
    signals.task_failure.connect(_failure, weak=False, dispatch_uid="ops-task-failures")
