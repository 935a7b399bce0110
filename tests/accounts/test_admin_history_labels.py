"""The admin's "Änderungsverlauf" of organisations, departments and webhooks reads like the
use case's: field labels, German values, whole texts, no codes and no secrets."""

import pytest
from django.urls import reverse

from accounts import services
from registry.models import WebhookEndpoint
from registry.webhooks import endpoints

pytestmark = pytest.mark.django_db


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_a_departments_history_names_the_field_and_both_values(client, board_member, department):
    services.update_department(
        department, actor=board_member, reason="Neuer Zuschnitt", name="Amt für Wohnen"
    )
    client.force_login(_staff(board_member))
    page = client.get(
        reverse("admin:accounts_department_history", args=[department.pk])
    ).content.decode()
    assert "Änderungsverlauf: Amt für Wohnen" in page
    assert "<strong>Name:</strong>" in page and "Amt für Wohnen" in page


def test_an_organisations_history_shows_labels_not_field_names(client, board_member, organisation):
    services.update_organisation(
        organisation,
        actor=board_member,
        reason="Funktionspostfach",
        contact_email="ki@lindenfeld.example",
    )
    client.force_login(_staff(board_member))
    page = client.get(
        reverse("admin:accounts_organisation_history", args=[organisation.pk])
    ).content.decode()
    assert "Kontaktadresse (Funktionspostfach):" in page
    assert "contact_email" not in page
    assert "None" not in page  # an empty value reads "–", not Python's None


def test_a_webhooks_history_is_labelled_and_never_shows_the_secret(
    client, board_member, organisation
):
    endpoint = endpoints.create_webhook_endpoint(
        actor=board_member,
        organisation=organisation,
        url="http://127.0.0.1:9/hook",
        events=["use_case.published"],
    )
    endpoints.update_webhook_endpoint(
        endpoint, actor=board_member, reason="Zweck notiert", description="Offene-Daten-Portal"
    )
    endpoints.rotate_webhook_secret(endpoint, actor=board_member)
    secret = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    client.force_login(_staff(board_member))
    page = client.get(
        reverse("admin:registry_webhookendpoint_history", args=[endpoint.pk])
    ).content.decode()
    assert "<strong>Beschreibung:</strong>" in page and "Offene-Daten-Portal" in page
    assert secret not in page
