"""Set-up steps the scale-out tests run inside the environment (`manage.py shell -c`)."""

import json

from accounts.models import Organisation, User
from config.celery import app
from governance.reports.services import request_report
from registry.models import WebhookDelivery, WebhookEndpoint
from registry.webhooks.endpoints import create_webhook_endpoint


def add_webhook(url: str) -> None:
    board = User.objects.get(username="gremium")
    organisation = Organisation.objects.get(slug="lindenfeld")
    create_webhook_endpoint(
        actor=board,
        organisation=organisation,
        url=url,
        events=[event.value for event in WebhookEndpoint.Event],
    )


def deliveries(url: str) -> None:
    rows = WebhookDelivery.objects.filter(endpoint__url=url).values(
        "id", "event_id", "status", "attempt_count"
    )
    print(json.dumps([{**row, "event_id": str(row["event_id"])} for row in rows]))


def queue_report(year: int) -> None:
    """The board of the demo organisation asks for the report of a year; prints its id."""
    board = User.objects.get(username="gremium")
    organisation = Organisation.objects.get(slug="lindenfeld")
    print(request_report(organisation, actor=board, year=year).pk)


def worker_running(task: str, argument: int) -> None:
    """Prints the workers running the task for that argument (Celery's own record), earliest first.

    Every worker answers for the tasks its pool is executing (the main process answers while a
    child works); a log line would only say which worker received the task at some point.
    """
    active = app.control.inspect(timeout=5).active() or {}
    holders = [
        [hostname.split("@", 1)[0], running.get("time_start") or 0]
        for hostname, tasks in active.items()
        for running in tasks
        if running["name"] == task and argument in (running.get("args") or [])
    ]
    # Earliest first: a task unacknowledged past the visibility timeout is handed to the other
    # worker too, and the one that started first is the one holding the original run.
    print(json.dumps(sorted(holders, key=lambda holder: holder[1])))
