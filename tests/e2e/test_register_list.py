"""The register's list page in a browser: folded filters at 320 px, marked hits, numbered
pages, the risk-class page, and search and filter without JavaScript (issue 15)."""

import pytest
from playwright.sync_api import expect

from registry.public import views
from tests.e2e.conftest import check_page
from tests.e2e.test_public_pages import register  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_pages(monkeypatch):
    """Two entries a page, so that the few entries of the fixture have page numbers."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)


def test_the_first_result_comes_before_the_filters_at_320_px(
    page,
    live_server,
    register,  # noqa: F811 (the fixture imported above)
):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/")
    expect(page.get_by_label("Risikoklasse")).to_be_hidden()
    first = page.locator(".use-case-list > li").first.bounding_box()
    assert first is not None and first["y"] < 2 * 640
    page.get_by_text("Filter und Sortierung").click()
    expect(page.get_by_label("Risikoklasse")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    # Wide screens show the filters without unfolding them.
    expect(page.get_by_label("Risikoklasse")).to_be_visible()


def test_list_pages_and_the_risk_class_page_pass_the_page_check(
    page,
    live_server,
    register,  # noqa: F811 (the fixture imported above)
    short_pages,
):
    for name, path in {
        "register-folded": "/",
        "register-filtered": "/?risiko=minimal&status=idea",
        "register-marked": "/?q=eingang",
        "register-page-2": "/?seite=2",
        "risk-classes": "/risikoklassen/",
    }.items():
        page.goto(live_server.url + path)
        check_page(page, name)
    page.goto(live_server.url + "/?seite=2")
    current = page.get_by_role("navigation", name="Seiten der Ergebnisliste").locator(
        "[aria-current=page]"
    )
    expect(current).to_have_text("2", use_inner_text=True)


def test_a_risk_badge_leads_to_its_explanation(
    page,
    live_server,
    register,  # noqa: F811 (the fixture imported above)
):
    page.goto(live_server.url + "/?risiko=transparency")
    page.locator(".use-case-list").get_by_role("link", name="Transparenzpflichten").click()
    page.wait_for_url("**/risikoklassen/#transparenzpflichten")
    expect(page.locator("#transparenzpflichten h2")).to_have_text(
        "Transparenzpflichten", use_inner_text=True
    )


def test_search_and_a_folded_filter_work_without_javascript_at_320_px(
    browser,
    live_server,
    register,  # noqa: F811 (the fixture imported above)
):
    context = browser.new_context(
        java_script_enabled=False, locale="de-DE", viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.get_by_label("Suchbegriff").fill("Posteingang")
        page.get_by_text("Filter und Sortierung").click()
        page.get_by_label("Risikoklasse").select_option("minimal")
        page.get_by_role("button", name="Suchen").click()
        page.wait_for_url("**/?q=Posteingang*")
        expect(page.locator(".use-case-list h3")).to_have_count(3)
        expect(page.locator(".use-case-list mark").first).to_have_text(
            "Posteingang", use_inner_text=True
        )
        # A chosen filter keeps the filters open.
        expect(page.get_by_label("Risikoklasse")).to_have_value("minimal")
        expect(page.get_by_label("Risikoklasse")).to_be_visible()
    finally:
        context.close()
