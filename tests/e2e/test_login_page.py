"""The pages that exist before any feature page: home and password login (demo only)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_is_accessible(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("KI-Register", use_inner_text=True)
    assert_accessible(page, "home")


def test_password_login_reaches_the_admin_for_a_board_member(page, live_server, board_member):
    page.goto(live_server.url + "/konto/anmelden/?next=/admin/")
    assert_accessible(page, "login")
    page.get_by_label("Benutzername").fill("board")
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/admin/")
    expect(page.locator("body")).to_contain_text("KI-Anwendungsfälle")
