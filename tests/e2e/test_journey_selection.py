"""The seed's path in a real browser: a board member assesses a service's maturity, sees it count
in the selection of use cases, and finds the best idea on the Fahrplan 2027."""

import pytest
from playwright.sync_api import expect

from maturity.questionnaires import ASKED_CRITERIA
from portfolio import services as portfolio_services
from registry import services as registry_services
from tests.conftest import make_use_case
from tests.e2e.conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GEWERBE = "99050012104000"


@pytest.fixture
def ideas(board_member, department_head, department):
    """Two rated ideas; only the first supports an administrative service."""
    gewerbe = make_use_case(
        department_head,
        department,
        "Vorprüfung von Gewerbeanmeldungen",
        status="idea",
        yearly_case_volume=1_400,
        rule_clarity="high",
        input_structure="high",
        risk_class="minimal",
    )
    registry_services.set_use_case_children(
        gewerbe,
        actor=department_head,
        reason="Leistung verknüpft",
        key="public_services",
        rows=[{"leika_key": GEWERBE, "name": "Gewerbe anmelden"}],
    )
    other = make_use_case(
        department_head,
        department,
        "Auswertung von Lärmbeschwerden",
        status="idea",
        yearly_case_volume=1_400,
        rule_clarity="high",
        input_structure="high",
        risk_class="minimal",
    )
    for idea in (gewerbe, other):
        portfolio_services.rate_candidate(idea, actor=board_member, benefit=3, effort=2)
    return gewerbe, other


def _log_in(page, live_server, next_path: str) -> None:
    page.goto(f"{live_server.url}/konto/anmelden/?next={next_path}")
    page.get_by_label("Benutzername").fill("board")
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"**{next_path}")


def _position(page, title: str) -> int:
    """Where a use case stands in the ranked table (0: first)."""
    table = page.get_by_role("table", name="Alle Anwendungsfälle nach Eignung")
    rows = table.locator("tbody tr th").all_inner_texts()
    return next(i for i, text in enumerate(rows) if title in text)


def test_a_service_assessment_moves_its_idea_up_the_selection_and_onto_the_roadmap(
    page, live_server, organisation, ideas
):
    gewerbe, other = ideas
    _log_in(page, live_server, f"/gremium/reifegrad/{organisation.slug}/")

    # Standortbestimmung: the service the idea supports, not yet assessed.
    page.get_by_role("link", name="Verwaltungsleistungen").click()
    row = page.get_by_role("row").filter(has_text=GEWERBE)
    expect(row.get_by_text("nicht bewertet")).to_have_count(1)
    check_page(page, "selection-services")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Before: both ideas score the same, the service's maturity gives nothing.
    page.get_by_role("link", name="Auswahl von Anwendungsfällen").click()
    page.wait_for_url("**/gremium/auswahl/**")
    assert _position(page, other.title) < _position(page, gewerbe.title)  # by title when equal
    page.goto(f"{live_server.url}/arbeitsbereich/{gewerbe.pk}/eignung/")
    expect(
        page.get_by_text("Reifegrad der unterstützten Leistungen keine Leistung bewertet").first
    ).to_be_attached()

    page.goto(f"{live_server.url}/gremium/reifegrad/{organisation.slug}/leistungen/")
    page.get_by_role("row").filter(has_text=GEWERBE).get_by_role("link", name="bewerten").click()
    page.wait_for_url(f"**/leistungen/{GEWERBE}/")
    for criterion in ASKED_CRITERIA:
        page.locator(f'select[name="{criterion.key}"]').select_option("4")
    check_page(page, "selection-service-form")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Bewertung speichern").click()
    page.wait_for_url("**/leistungen/")
    expect(page.get_by_role("row").filter(has_text=GEWERBE).get_by_text("4 / 7")).to_have_count(1)

    # The selection: the assessed service lifts its idea above the otherwise equal one.
    page.get_by_role("link", name="Auswahl von Anwendungsfällen").click()
    page.wait_for_url("**/gremium/auswahl/**")
    assert _position(page, gewerbe.title) < _position(page, other.title)
    check_page(page, "selection-portfolio")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=gewerbe.title).first.click()
    page.wait_for_url(f"**/arbeitsbereich/{gewerbe.pk}/eignung/")
    terms = page.get_by_role("table", name="Die Eignung Baustein für Baustein")
    maturity_row = terms.get_by_role("row").filter(
        has_text="Reifegrad der unterstützten Leistungen"
    )
    expect(maturity_row.get_by_text("Stufe 4,0")).to_have_count(1)
    expect(maturity_row.get_by_role("cell", name="+1,0", exact=True)).to_have_count(1)
    check_page(page, "selection-suitability")

    # The Fahrplan 2027 names it first among the top candidates.
    page.goto(f"{live_server.url}/gremium/reifegrad/{organisation.slug}/fahrplan/")
    candidates = page.get_by_role("table", name="Top-Kandidaten nach Eignung")
    first = candidates.locator("tbody tr").first
    expect(first).to_contain_text(gewerbe.title)
    check_page(page, "selection-roadmap")
