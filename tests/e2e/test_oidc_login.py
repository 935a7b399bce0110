"""Login through the real test provider in headless Chromium: login, logout there, provider down."""

import json

import pytest
from playwright.sync_api import expect

from accounts.models import ClaimMappingRule, User
from tests.e2e.conftest import assert_accessible
from tests.idp_plugin import login_via_idp

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board_rule(organisation):
    return ClaimMappingRule.objects.create(
        name="KI-Gremium", pattern="ki-gremium", organisation=organisation, role="board"
    )


def test_login_page_with_the_provider_button_is_accessible(page, live_server, idp):
    page.goto(live_server.url + "/konto/anmelden/")
    expect(
        page.get_by_role("button", name="Mit dem Konto Ihrer Verwaltung anmelden")
    ).to_be_visible()
    assert_accessible(page, "login-oidc")


def test_a_board_member_logs_in_through_the_provider_and_reaches_the_admin(
    page, live_server, idp, board_rule
):
    login_via_idp(page, live_server, "gremium", next_path="/admin/")
    expect(page.locator("body")).to_contain_text("KI-Gremium")
    user = User.objects.get(oidc_subject="f3b9c1e2-0001")
    assert user.memberships.get().role == "board"


def test_the_login_works_by_keyboard(page, live_server, idp, board_rule):
    page.goto(live_server.url + "/konto/anmelden/?next=/admin/")
    button = page.get_by_role("button", name="Mit dem Konto Ihrer Verwaltung anmelden")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_label("Benutzername").fill("gremium")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/admin/")


def test_logout_ends_the_session_at_the_provider_too(page, live_server, idp, board_rule):
    login_via_idp(page, live_server, "gremium", next_path="/admin/")
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("link", name="Anmelden")).to_be_visible()
    # Had the provider kept its session, this would log in again without asking.
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_role("button", name="Mit dem Konto Ihrer Verwaltung anmelden").click()
    expect(page.get_by_label("Benutzername")).to_be_visible()


def test_the_provider_being_down_shows_a_clear_accessible_page(page, live_server, idp):
    idp.stop()
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_role("button", name="Mit dem Konto Ihrer Verwaltung anmelden").click()
    expect(page.get_by_role("heading", name="Anmeldung nicht möglich")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("nicht erreichbar")
    assert_accessible(page, "login-provider-down")
    assert not User.objects.exists()


def test_the_claims_preview_is_accessible_and_shows_the_grant(page, live_server, idp, board_rule):
    login_via_idp(page, live_server, "gremium", next_path="/admin/")
    page.goto(live_server.url + "/admin/accounts/claimmappingrule/")
    page.get_by_role("link", name="Vorschau mit Beispiel-Claims").click()
    page.get_by_label("Claims als JSON").fill(json.dumps({"groups": ["ki-gremium", "kantine"]}))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    expect(page.get_by_role("cell", name="Stadt Lindenfeld")).to_be_visible()
    assert_accessible(page, "claims-preview")
