"""Production without a broker refuses to start; an opted-in eager installation never retries in
the request."""

import importlib

import pytest
from celery.exceptions import MaxRetriesExceededError
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from config.celery import app
from config.checks import check_task_broker
from registry.models import WebhookDelivery
from tests.api.test_webhooks import Receiver, _endpoint
from tests.conftest import make_use_case

WITHOUT_BROKER = {
    "CELERY_TASK_ALWAYS_EAGER": True,
    "CELERY_BROKER_URL": "memory://",
    "EAGER_TASKS_ALLOWED": False,
}


@override_settings(**WITHOUT_BROKER)
def test_check_deploy_names_redis_url_when_there_is_no_broker():
    with pytest.raises(SystemCheckError, match="REDIS_URL"):
        call_command("check", "--deploy")


@override_settings(**WITHOUT_BROKER)
def test_the_wsgi_application_refuses_to_start_without_a_broker():
    # A first import runs the module; a later one must reload it to run it again.
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        importlib.reload(importlib.import_module("config.wsgi"))


@override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="memory://")
def test_a_memory_broker_without_eager_tasks_is_refused_too():
    # Nothing would ever take the tasks out of a worker process's memory.
    assert [error.id for error in check_task_broker()] == ["ki_register.E001"]


@override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
def test_a_redis_broker_passes():
    assert check_task_broker() == []


@override_settings(**{**WITHOUT_BROKER, "EAGER_TASKS_ALLOWED": True})
def test_an_explicit_opt_in_allows_eager_tasks():
    assert check_task_broker() == []


@app.task(bind=True)
def _flaky(self, calls: list[int]) -> None:
    calls.append(1)
    raise self.retry(exc=OSError("unreachable"), countdown=60)


def test_an_eager_retry_gives_up_instead_of_running_again_in_the_request():
    calls: list[int] = []
    result = _flaky.apply(args=(calls,))
    assert calls == [1]
    assert isinstance(result.result, OSError)


def test_an_eager_retry_without_an_exception_gives_up_too():
    @app.task(bind=True)
    def bare(self) -> None:
        raise self.retry(countdown=60)

    assert isinstance(bare.apply().result, MaxRetriesExceededError)


def test_an_eager_webhook_delivery_makes_one_attempt_and_is_marked_failed(
    board_member, organisation, department_head, department, django_capture_on_commit_callbacks
):
    with Receiver(failures=5) as receiver, django_capture_on_commit_callbacks(execute=True):
        endpoint = _endpoint(
            board_member, organisation, url=receiver.url, events=["use_case.created"]
        )
        make_use_case(department_head, department, "Posteingang")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert len(receiver.requests) == 1
    assert delivery.attempt_count == 1
    assert delivery.status == WebhookDelivery.Status.FAILED
