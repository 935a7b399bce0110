"""Incidents, objections and the suspend step become change events for other systems."""

import datetime

import pytest
from django.utils import timezone

from governance import services as governance_services
from incidents import services
from registry import history
from registry.models import WebhookDelivery
from registry.webhooks.endpoints import create_webhook_endpoint
from tests.incidents.conftest import make_incident

pytestmark = pytest.mark.django_db

EVENTS = [
    "incident.recorded",
    "incident.changed",
    "objection.received",
    "objection.decided",
    "use_case.suspended",
    "use_case.resumed",
]


def _deliveries():
    return list(WebhookDelivery.objects.order_by("pk"))


def test_incident_events_name_the_incident_never_its_content(
    board_member, organisation, use_case, department_head
):
    create_webhook_endpoint(
        actor=board_member, organisation=organisation, url="http://127.0.0.1:9/h", events=EVENTS
    )
    incident = make_incident(use_case, department_head, description="Geheime Einzelheiten")
    services.change_incident(
        incident, actor=department_head, reason="Ursache", fields={"root_cause": "Update"}
    )
    recorded, changed = _deliveries()
    assert (recorded.event, changed.event) == ("incident.recorded", "incident.changed")
    assert recorded.payload["subject"] == {
        "kind": "incident",
        "id": incident.pk,
        "url": f"/api/v1/incidents/{incident.pk}/",
    }
    assert "Geheime" not in str(recorded.payload)


def test_objection_and_suspend_events(board_member, organisation, use_case, department_head):
    create_webhook_endpoint(
        actor=board_member, organisation=organisation, url="http://127.0.0.1:9/h", events=EVENTS
    )
    objection = services.record_objection(
        use_case,
        actor=department_head,
        channel="phone",
        received_at=timezone.now() - datetime.timedelta(minutes=5),
        contact={"statement": "Bitte prüfen", "name": "Erika"},
    )
    services.decide_objection(
        objection, actor=department_head, outcome="upheld", note="ok", human_review_done=True
    )
    use_case.workflow_state = "in_operation"
    history.save_tracked(use_case, actor=department_head, reason="Test")  # past the review round
    governance_services.suspend_use_case(use_case, actor=department_head, reason="Vorfall")
    governance_services.resume_use_case(use_case, actor=board_member, reason="behoben")
    events = [d.event for d in _deliveries()]
    assert events == [
        "objection.received",
        "objection.decided",
        "use_case.suspended",
        "use_case.resumed",
    ]
    assert "Erika" not in str(_deliveries()[0].payload)
