"""The pages that exist before any feature page: home and password login (demo only)."""

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_is_accessible(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "KI-Register"
    assert_accessible(page, "home")


def test_password_login_reaches_the_admin_for_a_board_member(page, live_server, board_member):
    page.goto(live_server.url + "/konto/anmelden/?next=/admin/")
    assert_accessible(page, "login")
    page.get_by_label("Benutzername").fill("board")
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/admin/")
    assert "KI-Anwendungsfälle" in page.content()
