"""The public register in a real browser: axe-core WCAG 2.1 A/AA at 320 px and desktop width,
the language switch, and search and filters without JavaScript."""

import pytest
from playwright.sync_api import expect

from governance import services as governance_services
from registry.models import PublishedUseCase
from registry.publication import publish_use_case
from tests.conftest import make_use_case
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"mobile": 320, "desktop": 1280}


@pytest.fixture
def register(board_member, department_head, department, ai_system, foreign_use_case):
    """Two organisations' published entries, one with a withheld group and an earlier version."""
    chatbot = make_use_case(
        department_head,
        department,
        "Chatbot für Wohngeldfragen",
        risk_class="transparency",
        status="in_operation",
        ai_system=ai_system,
        objection_procedure="Schreiben Sie an das Sozialamt; eine Sachbearbeiterin prüft.",
        public_contact_email="wohngeld@lf.example",
        children={
            "legal_bases": [{"law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e"}],
            "public_services": [{"leika_key": "99050012000000", "name": "Wohngeld"}],
            "withheld_fields": [{"field": "interfaces", "reason": "Schutz der IT-Sicherheit"}],
        },
    )
    publish_use_case(chatbot, actor=board_member, reason="freigegeben")
    governance_services.change_use_case(
        chatbot, actor=board_member, reason="x", purpose="Fragen rund um die Uhr beantworten."
    )
    publish_use_case(chatbot, actor=board_member, reason="Änderung freigegeben")
    for n in range(3):
        publish_use_case(
            make_use_case(department_head, department, f"Posteingang {n}", risk_class="minimal"),
            actor=board_member,
            reason="freigegeben",
        )
    publish_use_case(foreign_use_case, actor=board_member, reason="freigegeben")
    return PublishedUseCase.objects.get(use_case=chatbot)


def page_urls(record):
    first = record.history.earliest("history_date")
    return {
        "front-filtered": "/?q=Wohngeld&risiko=transparency&sortierung=newest",
        "front": "/",
        "organisations": "/organisationen/",
        "organisation": "/organisationen/lindenfeld/",
        "detail": f"/anwendungsfaelle/{record.use_case_id}/",
        "version": f"/anwendungsfaelle/{record.use_case_id}/versionen/{first.history_id}/",
        "objection": f"/anwendungsfaelle/{record.use_case_id}/widerspruch/",
        "statement": "/barrierefreiheit/",
        "feedback": "/barrierefreiheit/rueckmeldung/",
        "open-data": "/daten/",
        "not-found": "/anwendungsfaelle/999999/",
        "bad-request": "/?risiko=unbekannt",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_type_passes_axe(page, live_server, register, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    for name, url in page_urls(register).items():
        page.goto(live_server.url + url)
        assert_accessible(page, f"public-{name}-{width}")
        # Nothing may be wider than the viewport (WCAG 1.4.10 reflow).
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= WIDTHS[width], (name, scroll_width)


def test_feedback_form_errors_are_accessible(page, live_server, db):
    page.goto(live_server.url + "/barrierefreiheit/rueckmeldung/")
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "public-feedback-errors")


def test_language_switch_shows_the_page_in_english_and_back(page, live_server, register):
    page.goto(live_server.url + f"/anwendungsfaelle/{register.use_case_id}/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(f"/anwendungsfaelle/{register.use_case_id}/")
    assert_accessible(page, "public-detail-english")
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_search_and_filters_work_without_javascript(browser, live_server, register):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.get_by_label("Suchbegriff").fill("Wohngeld")
        page.get_by_label("Risikoklasse").select_option("transparency")
        page.get_by_role("button", name="Suchen").click()
        page.wait_for_url("**/?q=Wohngeld*")
        cards = page.locator(".use-case-list h3")
        assert cards.all_inner_texts() == ["Chatbot für Wohngeldfragen"]
        expect(page.get_by_label("Risikoklasse")).to_have_value("transparency")
        page.get_by_role("link", name="Chatbot für Wohngeldfragen").click()
        expect(page.locator("h1")).to_have_text("Chatbot für Wohngeldfragen", use_inner_text=True)
        expect(page.get_by_text("Schutz der IT-Sicherheit")).to_be_visible()
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()


def test_skip_link_is_the_first_stop_of_the_keyboard(page, live_server, register):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.fixture
def many_organisations(monkeypatch):
    """A national installation: the organisation is typed, its departments then offered."""
    from registry.public import selectors

    monkeypatch.setattr(selectors, "ORGANISATION_SELECT_LIMIT", 0)


def test_the_organisation_can_be_typed_without_javascript(
    browser, live_server, register, many_organisations
):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.get_by_label("Organisation", exact=True).fill("stadt lindenfeld")
        page.get_by_role("button", name="Suchen").click()
        page.wait_for_url("**/?*organisation=stadt+lindenfeld*")
        assert page.get_by_label("Fachbereich").evaluate("e => e.tagName") == "SELECT"
        assert "Bürgergeld-Vorprüfung" not in page.locator(".use-case-list").inner_text()
        page.get_by_label("Fachbereich").select_option("Sozialamt")
        page.get_by_role("button", name="Suchen").click()
        page.wait_for_url("**fachbereich=Sozialamt*")
        expect(page.locator(".use-case-list h3").first).to_be_attached()
    finally:
        context.close()


def test_the_search_for_many_organisations_passes_axe(
    page, live_server, register, many_organisations
):
    for name, url in {
        "front-organisation-text": "/",
        "front-organisation-chosen": "/?organisation=05999001",
        "organisation-unknown": "/?organisation=Atlantis",
        "organisations-search": "/organisationen/?q=linden",
    }.items():
        page.goto(live_server.url + url)
        assert_accessible(page, f"public-{name}")
