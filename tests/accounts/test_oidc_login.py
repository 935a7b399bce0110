"""Login through the real test provider with Django's test client: identity, claims, failures."""

import logging
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests

from accounts.models import ClaimMappingRule, Membership, User
from accounts.services import grant_role

pytestmark = pytest.mark.services


def login(client: Any, username: str, next_path: str = "/") -> Any:
    """The code flow: our start view, the provider (login_hint logs in at once), our callback."""
    start = client.get("/oidc/authenticate/", {"next": next_path})
    assert start.status_code == 302, start.content
    session = requests.Session()
    response = session.get(
        start["Location"] + "&login_hint=" + username, allow_redirects=False, timeout=5
    )
    for _ in range(10):
        location = urljoin(response.url, response.headers["location"])
        if location.startswith("http://testserver/"):
            break
        response = session.get(location, allow_redirects=False, timeout=5)
    parsed = urlparse(location)
    return client.get(parsed.path, parse_qs(parsed.query))


@pytest.fixture
def board_rule(organisation: Any) -> ClaimMappingRule:
    return ClaimMappingRule.objects.create(
        name="KI-Gremium", pattern="ki-gremium", organisation=organisation, role="board"
    )


def test_first_login_creates_a_user_known_by_issuer_and_subject(client, idp_for_client):
    response = login(client, "gremium", next_path="/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    user = User.objects.get()
    assert (user.oidc_issuer, user.oidc_subject) == (idp_for_client.issuer, "f3b9c1e2-0001")
    assert (user.email, user.first_name, user.last_name) == (
        "gremium@lindenfeld.example",
        "Greta",
        "Gremium",
    )
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_groups_claim_grants_the_mapped_role(client, idp_for_client, board_rule, organisation):
    login(client, "gremium")
    membership = Membership.objects.get()
    assert (membership.organisation, membership.role, membership.source) == (
        organisation,
        Membership.Role.BOARD,
        Membership.Source.IDENTITY_PROVIDER,
    )
    # Board members work in the admin, so the derived groups make them staff.
    assert membership.user.is_staff


def test_keycloak_realm_roles_grant_a_department_head(
    client, idp_for_client, organisation, department
):
    ClaimMappingRule.objects.create(
        name="Amtsleitung Sozialamt",
        claim_path="realm_access.roles",
        pattern="amtsleitung-sozialamt",
        organisation=organisation,
        role=Membership.Role.DEPARTMENT_HEAD,
        department=department,
    )
    login(client, "amtsleitung")
    membership = Membership.objects.get()
    assert membership.role == Membership.Role.DEPARTMENT_HEAD
    assert list(membership.departments.all()) == [department]
    assert membership.user.groups.filter(pk=department.heads_group_id).exists()


def test_a_role_removed_at_the_provider_is_gone_at_the_next_login(
    client, idp_for_client, board_rule
):
    login(client, "gremium")
    assert Membership.objects.count() == 1
    client.logout()
    idp_for_client.set_claims("gremium", groups=["kantine"])
    login(client, "gremium")
    assert Membership.objects.count() == 0
    assert not User.objects.get().is_staff


def test_a_manual_membership_survives_a_login_without_that_group(
    client, idp_for_client, board_rule, other_organisation
):
    login(client, "gremium")
    user = User.objects.get()
    grant_role(
        user,
        organisation=other_organisation,
        role=Membership.Role.AUDITOR,
        actor=None,
        reason="Testdaten",
    )
    client.logout()
    idp_for_client.set_claims("gremium", groups=[])
    login(client, "gremium")
    assert list(user.memberships.values_list("organisation", "role", "source")) == [
        (other_organisation.pk, Membership.Role.AUDITOR, Membership.Source.MANUAL)
    ]


def test_two_identities_with_one_email_stay_two_accounts(client, idp_for_client, board_rule):
    idp_for_client.add_account(
        "doppelgaenger", email="gremium@lindenfeld.example", groups=["kantine"]
    )
    login(client, "gremium")
    client.logout()
    login(client, "doppelgaenger")
    assert User.objects.filter(email="gremium@lindenfeld.example").count() == 2
    doppelgaenger = User.objects.get(oidc_subject=idp_for_client.accounts["doppelgaenger"]["sub"])
    # The same address must not carry the board role over to the other identity.
    assert not doppelgaenger.memberships.exists()
    assert client.session["_auth_user_id"] == str(doppelgaenger.pk)


def test_a_changed_email_keeps_the_account(client, idp_for_client):
    login(client, "gremium")
    client.logout()
    idp_for_client.set_claims("gremium", email="greta.gremium@lindenfeld.example")
    login(client, "gremium")
    user = User.objects.get()
    assert user.email == "greta.gremium@lindenfeld.example"


def test_an_email_taken_over_from_an_existing_account_does_not_log_into_it(
    client, idp_for_client, board_member
):
    # board_member (password account) has board@x.example; the provider now claims that address.
    idp_for_client.set_claims("niemand", email=board_member.email)
    login(client, "niemand")
    assert client.session["_auth_user_id"] != str(board_member.pk)
    assert User.objects.filter(email=board_member.email).count() == 2


def test_unknown_groups_grant_nothing_and_are_logged(client, idp_for_client, board_rule, caplog):
    with caplog.at_level(logging.INFO, logger="accounts.claims"):
        login(client, "niemand")
    assert not Membership.objects.exists()
    assert "betriebssport, kantine" in caplog.text


def test_a_group_naming_an_unknown_organisation_grants_nothing(client, idp_for_client, caplog):
    ClaimMappingRule.objects.create(
        name="Kommunen nach AGS",
        match_type=ClaimMappingRule.MatchType.REGEX,
        pattern=r"ki-gremium-(?P<ags>\d{8})",
        role=Membership.Role.BOARD,
    )
    idp_for_client.set_claims("gremium", groups=["ki-gremium-01234567"])
    with caplog.at_level(logging.WARNING, logger="accounts.claims"):
        login(client, "gremium")
    assert not Membership.objects.exists()
    assert "unbekannte Organisation" in caplog.text


def test_a_provider_down_before_login_shows_a_clear_page(client, idp_for_client):
    idp_for_client.stop()
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 503
    assert "nicht erreichbar" in response.content.decode()


def test_a_provider_down_at_the_callback_creates_nothing(client, idp_for_client):
    start = client.get("/oidc/authenticate/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    idp_for_client.stop()
    response = client.get("/oidc/callback/", {"code": "a-code", "state": state})
    assert response.status_code == 503
    assert "nicht erreichbar" in response.content.decode()
    assert not User.objects.exists()


def test_a_callback_with_a_foreign_state_is_refused(client, idp_for_client):
    client.get("/oidc/authenticate/")
    response = client.get("/oidc/callback/", {"code": "a-code", "state": "forged"})
    assert response.status_code == 400
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_provider_error_at_the_callback_shows_the_failure_page(client, idp_for_client):
    start = client.get("/oidc/authenticate/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    response = client.get("/oidc/callback/", {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "Anmeldung ist fehlgeschlagen" in response.content.decode()


def test_the_authorization_request_uses_pkce_and_a_nonce(client, idp_for_client):
    start = client.get("/oidc/authenticate/")
    params = parse_qs(urlparse(start["Location"]).query)
    assert params["code_challenge_method"] == ["S256"]
    assert params["nonce"][0]
    assert params["redirect_uri"] == ["http://testserver/oidc/callback/"]


def test_an_inactive_user_cannot_log_in(client, idp_for_client):
    login(client, "gremium")
    client.logout()
    User.objects.update(is_active=False)
    login(client, "gremium")
    assert "_auth_user_id" not in client.session


def test_claims_that_make_no_valid_account_create_nothing(client, idp_for_client):
    idp_for_client.set_claims("gremium", email="not an address")
    response = login(client, "gremium")
    assert response.status_code == 400
    assert not User.objects.exists()
