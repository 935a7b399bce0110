"""The workflow's transitions become change events for other systems (registry.webhooks)."""

import pytest
from django.core.exceptions import PermissionDenied

from governance import services
from registry.models import WebhookDelivery
from registry.webhooks.endpoints import create_webhook_endpoint

EVENTS = ["use_case.submitted", "use_case.decided", "use_case.published", "use_case.retired"]


def _endpoint(board_member, organisation):
    return create_webhook_endpoint(
        actor=board_member,
        organisation=organisation,
        url="http://127.0.0.1:9/hook",
        events=EVENTS,
    )


def _events() -> list[str]:
    return list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))


def test_submitting_deciding_and_retiring_emit_their_events(
    board_member, organisation, signed_use_case, department_head
):
    _endpoint(board_member, organisation)
    services.decide_use_case(
        signed_use_case, actor=board_member, outcome="approved", rationale="ok"
    )
    services.retire_use_case(signed_use_case, actor=department_head, reason="Ende")
    assert _events() == ["use_case.decided", "use_case.published", "use_case.retired"]


def test_submitting_emits_the_submitted_event(
    board_member, organisation, classified_use_case, department_head
):
    _endpoint(board_member, organisation)
    services.submit_use_case(classified_use_case, actor=department_head)
    assert _events() == ["use_case.submitted"]
    assert WebhookDelivery.objects.get().payload["actor"]["username"] == department_head.username


def test_a_rejection_emits_no_published_event(board_member, organisation, signed_use_case):
    _endpoint(board_member, organisation)
    services.decide_use_case(signed_use_case, actor=board_member, outcome="rejected", rationale="x")
    assert _events() == ["use_case.decided"]


def test_a_refused_transition_emits_nothing(board_member, organisation, classified_use_case, dpo):
    _endpoint(board_member, organisation)
    with pytest.raises(PermissionDenied):
        services.submit_use_case(classified_use_case, actor=dpo)
    assert _events() == []
