"""Celery tasks of the registry: webhook deliveries (the work is in registry.webhooks.delivery)."""

from celery import Task, shared_task

from operations.metrics import WEBHOOK_DELIVERIES
from registry.webhooks.delivery import deliver


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self: Task, delivery_id: int) -> str:
    """Send one delivery; retry with exponential back-off until it succeeds or attempts run out."""
    # Eagerly (no broker) the next attempt would run at once inside the user's request.
    outcome = deliver(delivery_id, last_attempt=self.request.is_eager)
    WEBHOOK_DELIVERIES.labels(
        outcome="retry" if outcome.retry_in is not None else outcome.status
    ).inc()
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status
