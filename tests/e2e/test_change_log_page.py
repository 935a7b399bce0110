"""The change log's public page in a real browser: axe-core WCAG 2.1 A/AA, 320 px, keyboard."""

import pytest
from playwright.sync_api import expect

from ledger.signing import generate_key_pem
from ledger.tasks import sign_current_tree_heads
from registry.publication import publish_use_case
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"mobile": 320, "desktop": 1280}


@pytest.fixture
def signed(settings, board_member, use_case, foreign_use_case):
    settings.LEDGER_SIGNING_KEY_FILE = ""
    settings.LEDGER_SIGNING_KEY = generate_key_pem().decode("ascii")
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    sign_current_tree_heads()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_change_log_page_passes_axe_and_reflows(page, live_server, signed, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(live_server.url + "/daten/protokoll/")
    expect(page.get_by_role("heading", name="Prüfbares Änderungsprotokoll")).to_be_visible()
    assert_accessible(page, f"change-log-{width}")
    # Hashes are long: they must wrap, not widen the page (WCAG 1.4.10 reflow).
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]


def test_the_download_is_reached_by_keyboard_from_the_open_data_page(page, live_server, signed):
    page.goto(live_server.url + "/daten/")
    link = page.get_by_role("link", name="Prüfbares Änderungsprotokoll")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/daten/protokoll/")
    download_link = page.get_by_role("link", name="Öffentliches Protokoll herunterladen").first
    download_link.focus()
    assert page.evaluate("document.activeElement.textContent").strip() == (
        "Öffentliches Protokoll herunterladen"
    )
