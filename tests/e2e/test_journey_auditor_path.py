"""Internal audit reads the path as the board wrote it: the Standortbestimmung's results, the
services' maturity, the Fahrplan 2027, the portfolio, a use case's suitability and outcomes and a
measurement's history. Every page as the auditor sees it (no forms, no actions), axe-clean and
without horizontal scrolling at 320 and 1,280 px."""

import datetime

import pytest
from playwright.sync_api import expect

from maturity import services as maturity
from maturity.questionnaires import ASKED_CRITERIA
from portfolio import services as portfolio
from tests.conftest import make_use_case
from tests.e2e.conftest import check_page
from tests.maturity.conftest import answers
from tests.portfolio.conftest import measure, operate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEIKA_KEY = "99107002000000"


@pytest.fixture
def path_of_the_board(
    organisation,
    board_member,
    department_head,
    department,
    other_department_head,
    other_department,
    iso,
):
    maturity.record_readiness_assessment(
        organisation,
        answers=answers(1),
        actor=board_member,
        assessed_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=150),
    )
    maturity.record_readiness_assessment(organisation, answers=answers(2), actor=board_member)
    maturity.create_measure(
        organisation,
        actor=board_member,
        reason="Klausur",
        dimension="process_clarity",
        title="Prozesse der Leistungen modellieren",
        owner_role="Leitung Hauptamt",
        due_date=datetime.date(2027, 6, 30),
    )
    maturity.record_service_assessment(
        organisation,
        leika_key=LEIKA_KEY,
        service_name="Wohngeld",
        answers={criterion.key: 3 for criterion in ASKED_CRITERIA},
        use_case_support={},
        actor=board_member,
    )
    running = make_use_case(department_head, department, "Posteingang vorsortieren")
    running = operate(running, head=department_head, board=board_member, iso=iso)
    baseline = measure(running, board_member, "processing_time", "baseline", 230, "38")
    measure(running, board_member, "processing_time", "follow_up", 20, "29")
    portfolio.correct_measurement(
        baseline, actor=board_member, value="37", source="Fachverfahren", reason="Nachgezählt"
    )
    idea = make_use_case(
        other_department_head,
        other_department,
        "Entwurf von Hilfeplan-Dokumentationen",
        status="idea",
        yearly_case_volume=2500,
    )
    portfolio.rate_candidate(idea, actor=board_member, benefit=4, effort=3)
    return {"running": running, "baseline": baseline}


def _log_in(page, live_server, next_path):
    page.goto(f"{live_server.url}/konto/anmelden/?next={next_path}")
    page.get_by_label("Benutzername").fill("auditor")
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"**{next_path}**")


def _no_forms(page):
    """Nothing on the page writes: no form but the search and filters that only read (GET)."""
    expect(page.locator("main form[method=post], main form[method=POST]")).to_have_count(0)


def test_the_auditor_reads_the_path_on_accessible_read_only_pages(
    page, live_server, path_of_the_board, organisation, auditor
):
    running = path_of_the_board["running"]
    _log_in(page, live_server, "/gremium/reifegrad/")
    page.wait_for_url(f"**/gremium/reifegrad/{organisation.slug}/")
    expect(page.get_by_role("table", name="Stufe je Dimension")).to_have_count(1)
    expect(page.get_by_role("link", name="Neue Bewertung erfassen")).to_have_count(0)
    _no_forms(page)
    check_page(page, "auditor-path-01-results")

    page.goto(f"{live_server.url}/gremium/reifegrad/{organisation.slug}/leistungen/")
    expect(page.get_by_text("Wohngeld").first).to_be_attached()
    _no_forms(page)
    check_page(page, "auditor-path-02-services")

    page.goto(f"{live_server.url}/gremium/reifegrad/{organisation.slug}/fahrplan/")
    expect(page.get_by_role("table", name="Termine in zeitlicher Folge")).to_have_count(1)
    expect(page.get_by_text("Prozesse der Leistungen modellieren").first).to_be_attached()
    expect(page.get_by_role("link", name="Maßnahme planen")).to_have_count(0)
    expect(page.get_by_role("link", name="Als PDF herunterladen")).to_have_count(1)
    # The board's indicators page is not the auditor's: no link that would end in a 404.
    expect(page.get_by_role("table", name="Wirkung: vorher und zuletzt")).to_have_count(1)
    expect(page.get_by_role("link", name="Zu den Kennzahlen")).to_have_count(0)
    _no_forms(page)
    check_page(page, "auditor-path-03-roadmap")

    page.goto(f"{live_server.url}/gremium/auswahl/")
    ranking = page.get_by_role("table", name="Alle Anwendungsfälle nach Eignung")
    expect(ranking.get_by_role("row")).to_have_count(1 + 2)
    expect(page.get_by_role("link", name="Kennzahlen")).to_have_count(0)
    check_page(page, "auditor-path-04-portfolio")

    page.get_by_role("link", name="Entwurf von Hilfeplan-Dokumentationen").first.click()
    page.wait_for_url("**/eignung/")
    expect(page.get_by_role("table", name="Die Eignung Baustein für Baustein")).to_have_count(1)
    _no_forms(page)
    check_page(page, "auditor-path-05-suitability")

    page.goto(f"{live_server.url}/arbeitsbereich/{running.pk}/wirkung/")
    expect(page.get_by_role("img", name="Bearbeitungszeit (Median, Tage)")).to_have_count(1)
    expect(page.get_by_role("button", name="Messwert speichern")).to_have_count(0)
    _no_forms(page)
    check_page(page, "auditor-path-06-outcomes")

    page.get_by_role("link", name="Verlauf ansehen").first.click()
    page.wait_for_url("**/korrigieren/")
    history = page.get_by_role("table", name="Alle Fassungen des Messwerts, die neueste zuerst")
    expect(history.get_by_role("row").nth(1)).to_contain_text("Nachgezählt")
    expect(page.get_by_role("button", name="Korrektur speichern")).to_have_count(0)
    _no_forms(page)
    check_page(page, "auditor-path-07-measurement-history")
