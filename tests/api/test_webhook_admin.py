"""The webhook admin: the board of the organisation manages endpoints and replays deliveries."""

from django.test import Client

from registry.models import WebhookDelivery, WebhookEndpoint
from registry.webhooks import endpoints


def _delivery(board_member, organisation):
    endpoint = endpoints.create_webhook_endpoint(
        actor=board_member,
        organisation=organisation,
        url="http://127.0.0.1:9/h",
        events=["use_case.created"],
    )
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="use_case.created",
        event_id="00000000-0000-0000-0000-000000000009",
        use_case_pk=1,
        payload={"id": "x"},
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_board_replays_a_delivery_from_the_admin(board_member, organisation):
    delivery = _delivery(board_member, organisation)
    response = _client(board_member).post(
        "/admin/registry/webhookdelivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    replay = WebhookDelivery.objects.get(replay_of=delivery)
    assert replay.payload == delivery.payload


def test_auditors_do_not_see_webhooks_in_the_admin(board_member, organisation, auditor):
    delivery = _delivery(board_member, organisation)
    client = _client(auditor)
    assert client.get(
        f"/admin/registry/webhookendpoint/{delivery.endpoint_id}/change/"
    ).status_code in {302, 403, 404}
    assert client.get("/admin/registry/webhookdelivery/").status_code == 403


def test_another_organisations_board_does_not_find_the_endpoint(
    board_member, organisation, foreign_board_member
):
    delivery = _delivery(board_member, organisation)
    client = _client(foreign_board_member)
    assert (
        client.get(f"/admin/registry/webhookendpoint/{delivery.endpoint_id}/change/").status_code
        == 404
    )
    assert client.get(f"/admin/registry/webhookdelivery/{delivery.pk}/change/").status_code == 404


def test_the_board_registers_an_endpoint_in_the_admin(board_member, organisation):
    response = _client(board_member).post(
        "/admin/registry/webhookendpoint/add/",
        {
            "organisation": organisation.pk,
            "url": "http://127.0.0.1:9/new",
            "events": ["use_case.retired"],
            "description": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    endpoint = organisation.webhook_endpoints.get()
    assert endpoint.events == ["use_case.retired"]
    assert endpoint.history.get().history_user == board_member


def test_the_admin_shows_a_webhook_secret_once_when_created_and_when_renewed(
    db, board_member, organisation
):
    client = _client(board_member)
    created = client.post(
        "/admin/registry/webhookendpoint/add/",
        {
            "organisation": organisation.pk,
            "url": "http://127.0.0.1:9/neu",
            "events": ["use_case.created"],
            "is_active": "on",
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get(url="http://127.0.0.1:9/neu")
    assert endpoint.secret in created.content.decode()
    change = f"/admin/registry/webhookendpoint/{endpoint.pk}/change/"
    page = client.get(change).content.decode()
    assert endpoint.secret not in page
    assert endpoint.secret[-4:] in page
    renewed = client.post(
        "/admin/registry/webhookendpoint/",
        {"action": "rotate_secrets", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    endpoint.refresh_from_db()
    assert endpoint.secret in renewed.content.decode()
    assert endpoint.secret not in client.get(change).content.decode()
