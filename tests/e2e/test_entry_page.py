"""The public entry page in a real browser: why fields are empty, an overdue review, the
downloads, German and English at 320 and 1280 px, and on paper (print media)."""

import datetime

import pytest
from playwright.sync_api import expect

from registry.models import PublishedUseCase
from registry.publication import publish_use_case
from tests.conftest import make_use_case
from tests.e2e.conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def entry(board_member, department_head, department):
    use_case = make_use_case(
        department_head,
        department,
        "Posteingangs-Klassifizierung im Bürgerservice",
        risk_class="minimal",
        next_review_date=datetime.date(2026, 10, 1),
        children={
            "legal_bases": [
                {
                    "law": "DSGVO",
                    "provision": "Art. 6 Abs. 1 lit. e",
                    "url": "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
                }
            ],
            "withheld_fields": [{"field": "interfaces", "reason": "Schutz der IT-Sicherheit"}],
        },
    )
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    return PublishedUseCase.objects.get(use_case=use_case)


def test_the_entry_page_passes_axe_and_reflows_in_german_and_english(page, live_server, entry):
    url = f"{live_server.url}/anwendungsfaelle/{entry.use_case_id}/"
    page.goto(url)
    expect(page.get_by_text("Überprüfung überfällig seit 1. Oktober 2026")).to_be_visible()
    expect(page.get_by_text("noch nicht erfasst").first).to_be_visible()
    expect(page.get_by_role("link", name="JSON-Datei").first).to_be_visible()
    check_page(page, "entry-de")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_attribute("lang", "de")
    check_page(page, "entry-en")


def test_the_printed_entry_has_no_chrome_and_prints_link_addresses(page, live_server, entry):
    page.goto(f"{live_server.url}/anwendungsfaelle/{entry.use_case_id}/")
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".breadcrumbs")).to_be_hidden()
    law = page.locator('a[href^="https://eur-lex"]')
    after = law.evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://eur-lex.europa.eu/eli/reg/2016/679/oj" in after
    colour = page.locator("h1").evaluate("h => getComputedStyle(h).color")
    assert colour == "rgb(0, 0, 0)"
    # Nothing is cut off: the printed page is no wider than the paper's viewport.
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.emulate_media(media="screen")
    expect(page.locator(".site-nav")).to_be_visible()
