"""Prometheus metrics (the official client): what the operations team graphs and alerts on.

With gunicorn's several workers and Celery's processes, set PROMETHEUS_MULTIPROC_DIR to a
directory they all share (deploy/entrypoint.sh does): each process writes its samples there and
`/metrics` adds them up. Without it (the demo, the tests) each process counts for itself.
"""

import os
from collections.abc import Iterator

import redis
from celery import current_app
from django.conf import settings
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUEST_DURATION = Histogram(
    "ki_register_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by view (URL name).",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASK_FAILURES = Counter(
    "ki_register_celery_task_failures_total",
    "Celery tasks that raised (a retry that later succeeds is not counted).",
    ["task"],
)
WEBHOOK_DELIVERIES = Counter(
    "ki_register_webhook_delivery_attempts_total",
    "Webhook delivery attempts by how they ended: succeeded, retry, failed, skipped.",
    ["outcome"],
)
REMINDER_RUNS = Counter(
    "ki_register_review_reminder_runs_total",
    "Runs of the daily review reminders by result: ok or error.",
    ["result"],
)
REMINDERS_SENT = Counter("ki_register_review_reminders_sent_total", "Review reminder mails sent.")
REMINDER_LAST_SUCCESS = Gauge(
    "ki_register_review_reminder_last_success_timestamp_seconds",
    "When the review reminders last ran through (Unix time).",
    multiprocess_mode="max",
)

# kombu's Redis transport keeps a queue's messages in lists, one per priority step, and the
# messages a worker has taken but not yet acknowledged (acks_late) in the hash "unacked".
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


class QueueCollector(Collector):
    """Waiting and unacknowledged Celery tasks, read from the broker at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        url = current_app.conf.broker_url or settings.CELERY_BROKER_URL
        queue = current_app.conf.task_default_queue
        if not url.startswith(("redis://", "rediss://")):
            return
        waiting = GaugeMetricFamily(
            "ki_register_celery_queue_length", "Tasks waiting in the queue.", labels=["queue"]
        )
        unacked = GaugeMetricFamily(
            "ki_register_celery_unacked_tasks",
            "Tasks a worker has taken and not yet finished (acks late).",
        )
        up = GaugeMetricFamily("ki_register_broker_up", "1 when the broker answered the scrape.")
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        try:
            with client.pipeline() as pipe:
                for suffix in _PRIORITY_SUFFIXES:
                    pipe.llen(f"{queue}{suffix}")
                pipe.hlen("unacked")
                *lengths, reserved = pipe.execute()
        except redis.RedisError:
            up.add_metric([], 0)
            yield up
            return
        finally:
            client.close()
        waiting.add_metric([queue], sum(lengths))
        unacked.add_metric([], reserved)
        up.add_metric([], 1)
        yield from (waiting, unacked, up)


def exposition() -> bytes:
    """The text format of every process's samples plus the broker's queue lengths."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        own: tuple[Collector, ...] = (
            REQUEST_DURATION,
            TASK_FAILURES,
            WEBHOOK_DELIVERIES,
            REMINDER_RUNS,
            REMINDERS_SENT,
            REMINDER_LAST_SUCCESS,
        )
        for collector in own:
            registry.register(collector)
    registry.register(QueueCollector())
    return generate_latest(registry)
