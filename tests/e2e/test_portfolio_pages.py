"""The portfolio and a use case's outcomes in a real browser: axe-clean at 320 px and desktop
width without horizontal scrolling, usable by keyboard, and working without JavaScript."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portfolio import services
from tests.conftest import make_use_case
from tests.e2e.conftest import assert_accessible, check_page
from tests.portfolio.conftest import measure, operate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"mobile": 320, "desktop": 1280}


@pytest.fixture
def portfolio(
    use_case,
    department_head,
    board_member,
    iso,
    department,
    other_department_head,
    other_department,
):
    running = operate(use_case, head=department_head, board=board_member, iso=iso)
    measure(running, board_member, "processing_time", "baseline", 230, "38")
    measure(running, board_member, "processing_time", "follow_up", 100, "31")
    measure(running, board_member, "processing_time", "follow_up", 10, "27")
    measure(running, board_member, "follow_up_rate", "baseline", 230, "1,6")
    measure(running, board_member, "follow_up_rate", "follow_up", 10, "0,9")
    for title, volume, risk, benefit, effort in (
        ("Vorsortierung von Bewerbungen", 3000, "high_risk", 3, 4),
        ("Entwurf von Hilfeplan-Dokumentationen", 2500, "", 4, 3),
        ("Prognose der Gewerbesteuereinnahmen", 12, "minimal", 2, 2),
    ):
        idea = make_use_case(
            other_department_head,
            other_department,
            title,
            status="idea",
            yearly_case_volume=volume,
            risk_class=risk,
        )
        services.rate_candidate(idea, actor=board_member, benefit=benefit, effort=effort)
    return running


def _log_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}/konto/anmelden/?next={next_path}")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"**{next_path}")


def test_the_portfolio_and_the_outcome_page_are_accessible_at_both_widths(
    page, live_server, portfolio, board_member
):
    _log_in(page, live_server, "board", "/gremium/auswahl/")
    expect(page.locator("h1")).to_have_text("Auswahl von Anwendungsfällen", use_inner_text=True)
    expect(page.get_by_role("img", name="Portfolio: Nutzen gegen Machbarkeit")).to_have_count(1)
    ranking = page.get_by_role("table", name="Alle Anwendungsfälle nach Eignung")
    expect(ranking.get_by_role("row")).to_have_count(1 + 4)
    check_page(page, "portfolio")
    page.goto(f"{live_server.url}/arbeitsbereich/{portfolio.pk}/wirkung/")
    expect(page.get_by_role("img", name="Bearbeitungszeit (Median, Tage)")).to_have_count(1)
    expect(page.get_by_role("table", name="Messwerte").first).to_be_visible()
    check_page(page, "outcomes")
    page.goto(f"{live_server.url}/arbeitsbereich/{portfolio.pk}/eignung/")
    assert (
        "Fallzahl"
        in page.get_by_role("table", name="Die Eignung Baustein für Baustein").inner_text()
    )
    check_page(page, "suitability")
    page.goto(f"{live_server.url}/gremium/")
    # The dashboard's own bar charts are wider than 320 px (not this section): axe only.
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"dashboard-with-outcomes-{label}")


def test_the_department_filter_works_by_keyboard(page, live_server, portfolio, other_department):
    _log_in(page, live_server, "board", "/gremium/auswahl/")
    select = page.get_by_label("Fachbereich", exact=True)
    select.focus()
    select.select_option(label=other_department.name)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Anzeigen"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**fachbereich={other_department.pk}")
    rows = page.get_by_role(
        "table", name=f"Anwendungsfälle des Fachbereichs {other_department.name} nach Eignung"
    ).get_by_role("row")
    expect(rows).to_have_count(1 + 3)


def test_filtering_and_recording_a_measurement_work_without_javascript(
    browser, live_server, portfolio, department
):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        _log_in(page, live_server, "board", "/gremium/auswahl/")
        page.get_by_label("Fachbereich", exact=True).select_option(label=department.name)
        page.get_by_role("button", name="Anzeigen").click()
        page.wait_for_url(f"**fachbereich={department.pk}")
        expect(page.get_by_role("link", name=portfolio.title)).to_have_count(1)
        page.goto(f"{live_server.url}/arbeitsbereich/{portfolio.pk}/wirkung/")
        end = timezone.localdate() - datetime.timedelta(days=40)
        page.get_by_label("Kennzahl", exact=True).select_option(label="Personalstunden je Monat")
        page.get_by_role("radio", name="Messung im Betrieb").check()
        page.get_by_label("Zeitraum von", exact=True).fill(
            (end - datetime.timedelta(days=29)).isoformat()
        )
        page.get_by_label("Zeitraum bis", exact=True).fill(end.isoformat())
        page.get_by_label("Wert", exact=True).fill("")
        page.get_by_label("Quelle", exact=True).fill("Zeitaufschreibung")
        page.get_by_role("button", name="Messwert speichern").click()
        # Nothing saved; the summary names the field and links to it.
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("Wert")
        page.get_by_label("Wert", exact=True).fill("240")
        page.get_by_role("button", name="Messwert speichern").click()
        expect(page.get_by_text("Der Messwert ist erfasst.")).to_be_visible()
        expect(page.get_by_role("img", name="Personalstunden je Monat")).to_have_count(1)
    finally:
        context.close()


def test_a_measurement_is_corrected_and_its_history_shows_the_change(page, live_server, portfolio):
    _log_in(page, live_server, "head", f"/arbeitsbereich/{portfolio.pk}/wirkung/")
    rows = page.get_by_role("table", name="Messwerte").first
    rows.get_by_role("link", name="Korrigieren").first.click()
    expect(page.locator("h1")).to_have_text("Messwert korrigieren", use_inner_text=True)
    check_page(page, "measurement-correction")
    page.get_by_label("Wert", exact=True).fill("37,5")
    page.get_by_role("button", name="Korrektur speichern").click()
    # No reason: nothing saved, the summary names the field.
    expect(page.get_by_role("alert")).to_contain_text("Grund der Korrektur")
    page.get_by_label("Grund der Korrektur", exact=True).fill("Auswertung wiederholt")
    page.get_by_role("button", name="Korrektur speichern").click()
    expect(page.get_by_text("Die Korrektur ist gespeichert.")).to_be_visible()
    history = page.get_by_role("table", name="Alle Fassungen des Messwerts, die neueste zuerst")
    newest = history.get_by_role("row").nth(1).inner_text()
    assert "Auswertung wiederholt" in newest and "Wert: 38,00 → 37,50" in newest
    check_page(page, "measurement-correction-history")
