"""Bounded sessions, no writes from stale ones, logout at the provider, password login opt-in."""

import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from accounts.models import ClaimMappingRule, Membership
from accounts.oidc import AUTHENTICATED_AT
from tests.accounts.test_oidc_login import login

RULES_ADD = reverse("admin:accounts_claimmappingrule_add")


@pytest.fixture
def logged_in_board(client, idp_for_client, organisation):
    ClaimMappingRule.objects.create(
        name="KI-Gremium", pattern="ki-gremium", organisation=organisation, role="board"
    )
    login(client, "gremium")
    return client


def expire_confirmation(client) -> None:
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 1
    session.save()


@pytest.mark.services
def test_a_freshly_confirmed_oidc_session_reaches_the_admin(logged_in_board):
    assert logged_in_board.get("/admin/").status_code == 200


@pytest.mark.services
def test_a_stale_oidc_session_cannot_change_data(logged_in_board, organisation):
    expire_confirmation(logged_in_board)
    response = logged_in_board.post(
        RULES_ADD,
        {
            "name": "Neu",
            "claim_path": "groups",
            "match_type": "exact",
            "pattern": "neu",
            "organisation": organisation.pk,
            "role": "auditor",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not ClaimMappingRule.objects.filter(name="Neu").exists()


@pytest.mark.services
def test_a_stale_oidc_session_is_confirmed_silently_at_the_provider(
    logged_in_board, idp_for_client
):
    expire_confirmation(logged_in_board)
    response = logged_in_board.get("/admin/")
    assert response["Location"].startswith(f"{idp_for_client.issuer}/auth?")
    assert parse_qs(urlparse(response["Location"]).query)["prompt"] == ["none"]


@pytest.mark.services
def test_a_stale_api_write_with_the_session_is_refused_as_json(logged_in_board):
    expire_confirmation(logged_in_board)
    response = logged_in_board.post("/api/v1/anything/")
    assert response.status_code == 401
    assert "bestätigt" in response.json()["detail"]


@pytest.mark.services
def test_a_session_past_its_lifetime_is_ended(logged_in_board, settings):
    session = logged_in_board.session
    session[AUTHENTICATED_AT] = time.time() - settings.SESSION_COOKIE_AGE - 1
    session.save()
    response = logged_in_board.get("/admin/")
    assert response.status_code == 302
    assert "_auth_user_id" not in logged_in_board.session


@pytest.mark.services
def test_logout_ends_the_session_here_and_at_the_provider(logged_in_board, idp_for_client):
    response = logged_in_board.post(reverse("accounts:logout"))
    target = urlparse(response["Location"])
    params = parse_qs(target.query)
    assert (
        f"{target.scheme}://{target.netloc}{target.path}" == f"{idp_for_client.issuer}/session/end"
    )
    assert params["post_logout_redirect_uri"] == ["http://testserver/"]
    assert params["id_token_hint"][0].count(".") == 2
    assert "_auth_user_id" not in logged_in_board.session


@pytest.mark.django_db
def test_logout_of_a_password_session_stays_here(client, board_member):
    client.force_login(board_member)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_password_session_is_bounded_too(client, board_member, settings):
    client.force_login(board_member)
    client.get("/")
    session = client.session
    session[AUTHENTICATED_AT] = time.time() - settings.SESSION_COOKIE_AGE - 1
    session.save()
    client.get("/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_login_is_refused_when_not_enabled(client, board_member, settings):
    settings.PASSWORD_LOGIN_ENABLED = False
    response = client.post(reverse("accounts:login"), {"username": "board", "password": "pw"})
    assert response.status_code == 403
    assert not client.login(username="board", password="pw")


@pytest.mark.django_db
def test_the_admins_password_form_leads_to_the_login_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == reverse("accounts:login") + "?next=/admin/"


@pytest.mark.django_db
def test_password_login_works_where_enabled(client, board_member, settings):
    settings.PASSWORD_LOGIN_ENABLED = True
    assert client.login(username="board", password="pw")


@pytest.mark.django_db
def test_login_page_offers_the_provider_only_when_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert (
        "Mit dem Konto Ihrer Verwaltung anmelden"
        not in client.get("/konto/anmelden/").content.decode()
    )
    settings.OIDC_RP_CLIENT_ID = "ki-register"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/auth"
    assert (
        "Mit dem Konto Ihrer Verwaltung anmelden" in client.get("/konto/anmelden/").content.decode()
    )


@pytest.mark.services
def test_silent_confirmation_brings_roles_up_to_date(logged_in_board, idp_for_client):
    from urllib.parse import urljoin

    import requests

    expire_confirmation(logged_in_board)
    idp_for_client.set_claims("gremium", groups=[])
    authorize = logged_in_board.get("/admin/")["Location"]
    # The provider still knows nothing of this client's browser, so give it the same login.
    session = requests.Session()
    response = session.get(
        authorize.replace("prompt=none", "login_hint=gremium"), allow_redirects=False, timeout=5
    )
    for _ in range(10):
        location = urljoin(response.url, response.headers["location"])
        if location.startswith("http://testserver/"):
            break
        response = session.get(location, allow_redirects=False, timeout=5)
    parsed = urlparse(location)
    done = logged_in_board.get(parsed.path, parse_qs(parsed.query))
    assert done["Location"] == "/admin/"
    assert not Membership.objects.exists()
