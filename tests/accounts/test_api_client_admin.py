"""The board registers systems as API clients; each acts through its own service user."""

import pytest
from django.urls import reverse

from accounts.models import ApiClient, Membership

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:accounts_apiclient_add")


def form(organisation_, **fields):
    return {
        "name": "Fachverfahren Wohngeld",
        "client_id": "fachverfahren-wohngeld",
        "organisation": organisation_.pk,
        "role": "auditor",
        "is_active": "on",
        **fields,
    }


def test_board_member_registers_an_api_client_with_a_service_user(
    client, board_member, organisation
):
    client.force_login(board_member)
    assert client.post(ADD_URL, form(organisation)).status_code == 302
    api_client = ApiClient.objects.get()
    membership = api_client.service_user.memberships.get()
    assert (membership.organisation, membership.role) == (organisation, Membership.Role.AUDITOR)
    assert not api_client.service_user.has_usable_password()


def test_changing_the_role_replaces_the_service_users_membership(
    client, board_member, organisation
):
    client.force_login(board_member)
    client.post(ADD_URL, form(organisation))
    api_client = ApiClient.objects.get()
    change = reverse("admin:accounts_apiclient_change", args=[api_client.pk])
    client.post(change, form(organisation, role="dpo"))
    assert list(api_client.service_user.memberships.values_list("role", flat=True)) == ["dpo"]


def test_a_department_head_client_without_department_is_refused(client, board_member, organisation):
    client.force_login(board_member)
    response = client.post(ADD_URL, form(organisation, role="department_head"))
    assert "Eine Fachbereichsleitung braucht mindestens einen Fachbereich." in (
        response.content.decode()
    )
    assert not ApiClient.objects.exists()


def test_board_member_cannot_register_a_client_for_another_organisation(
    client, board_member, other_organisation
):
    client.force_login(board_member)
    assert client.post(ADD_URL, form(other_organisation)).status_code == 200
    assert not ApiClient.objects.exists()


def test_deleting_a_client_deactivates_its_service_user(client, board_member, organisation):
    client.force_login(board_member)
    client.post(ADD_URL, form(organisation))
    api_client = ApiClient.objects.get()
    user = api_client.service_user
    delete = reverse("admin:accounts_apiclient_delete", args=[api_client.pk])
    client.post(delete, {"post": "yes"})
    user.refresh_from_db()
    assert not user.is_active
    assert not user.memberships.exists()


def test_two_clients_whose_long_ids_share_their_start_get_two_service_users(
    board_member, organisation
):
    from accounts import services

    prefix = "x" * 146
    clients = [
        services.create_api_client(
            actor=board_member,
            reason="Anbindung",
            name=f"System {suffix}",
            client_id=prefix + suffix,
            organisation=organisation,
            role="auditor",
        )
        for suffix in ("-one", "-two")
    ]
    assert clients[0].service_user != clients[1].service_user


def test_the_web_logins_own_client_id_cannot_become_an_api_client(
    client, board_member, organisation, settings
):
    settings.OIDC_RP_CLIENT_ID = "ki-register-web"
    client.force_login(board_member)
    response = client.post(ADD_URL, form(organisation, client_id="ki-register-web"))
    assert response.status_code == 200
    assert "Personen bei KI-Register anmelden" in response.content.decode()
    assert not ApiClient.objects.filter(client_id="ki-register-web").exists()
