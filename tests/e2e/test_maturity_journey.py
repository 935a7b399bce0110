"""A board member walks through the Standortbestimmung to the Fahrplan 2027 in a real browser."""

import datetime

import pytest
from playwright.sync_api import expect

from maturity import services
from maturity.questionnaires import READINESS_QUESTIONS
from tests.e2e.conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/konto/anmelden/?next=/gremium/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/gremium/**")


def test_board_member_assesses_reads_the_results_and_opens_the_roadmap(
    page, live_server, board_member, organisation
):
    # An earlier assessment, so the results show a trend.
    services.record_readiness_assessment(
        organisation,
        answers=dict.fromkeys((q.key for q in READINESS_QUESTIONS), 1),
        actor=board_member,
        assessed_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=120),
    )
    _log_in(page, live_server, "board")
    page.get_by_role("link", name="Ergebnis der Standortbestimmung").click()
    page.get_by_role("link", name="Neue Bewertung erfassen").click()
    page.wait_for_url("**/bereitschaft/")
    check_page(page, "maturity-questionnaire")

    first = READINESS_QUESTIONS[0].key
    # By keyboard: the first group's checked option moves with the arrow keys.
    page.locator(f'input[name="{first}"][value="1"]').focus()
    page.keyboard.press("ArrowDown")
    assert page.locator(f'input[name="{first}"][value="2"]').is_checked()
    for question in READINESS_QUESTIONS[1:]:
        page.locator(f'input[name="{question.key}"][value="2"]').check()
    page.get_by_role("button", name="Bewertung speichern").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/gremium/reifegrad/{organisation.slug}/")
    table = page.get_by_role("table", name="Stufe je Dimension")
    expect(table.get_by_role("row", name="Prozessklarheit 2 / 4 1 +1 gestiegen")).to_have_count(1)
    expect(page.get_by_text("Ein Vergleich wird erst gezeigt")).to_have_count(1)
    check_page(page, "maturity-results")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Zum Fahrplan 2027").click()
    page.wait_for_url("**/fahrplan/")
    expect(page.get_by_role("table", name="Termine in zeitlicher Folge")).to_have_count(1)
    expect(page.get_by_role("link", name="Als PDF herunterladen")).to_have_count(1)
    check_page(page, "maturity-roadmap")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Maßnahme planen").first.click()
    page.get_by_label("Maßnahme", exact=True).fill("Prozesse der Leistungen modellieren")
    page.get_by_label("verantwortlich (Funktion)").fill("Leitung Hauptamt")
    page.get_by_label("fällig am").fill("2027-06-30")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/fahrplan/")
    expect(page.get_by_text("Prozesse der Leistungen modellieren").first).to_be_attached()
    check_page(page, "maturity-roadmap-with-measure")
