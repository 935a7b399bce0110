"""Transparency reports in a real browser: axe-core WCAG 2.1 A/AA at 320 px and desktop width,
reflow, the PDF link, the error pages, and the board watching a report being made in the admin."""

import re

import pytest
from playwright.sync_api import expect

from governance import services as governance_services
from governance.reports import services
from tests.conftest import make_use_case
from tests.e2e.conftest import assert_accessible
from tests.governance.reports_helpers import approve, at, moment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"mobile": 320, "desktop": 1280}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(organisation, board_member, department, other_department, department_head, iso):
    """A published 2025 report with an entry added, one changed and one retired in the year."""
    entries = []
    for title, when in (
        ("Chatbot für Wohngeldfragen mit einer recht langen Bezeichnung", moment(2024, 5, 1)),
        ("Posteingangssortierung", moment(2025, 2, 3)),
        ("Übersetzungshilfe", moment(2025, 6, 1)),
    ):
        use_case = make_use_case(department_head, department, title)
        approve(use_case, head=department_head, iso=iso, board=board_member, when=when)
        entries.append(use_case)
    with at(moment(2025, 4, 1)):
        governance_services.change_use_case(
            entries[0], actor=board_member, reason="Postfach", public_contact_email="w@lf.example"
        )
    with at(moment(2025, 10, 1)):
        governance_services.retire_use_case(entries[2], actor=board_member, reason="beendet")
    # Tasks run eagerly here: the report is rendered when the request commits.
    requested = services.request_report(organisation, actor=board_member, year=2025)
    requested.refresh_from_db()
    return services.publish_report(requested, actor=board_member)


def _urls(report):
    base = f"/organisationen/{report.organisation.slug}/berichte/"
    return {
        "report": f"{base}{report.period_slug}/",
        "reports": base,
        "bad-period": f"{base}20x5/",
        "not-found": f"{base}2019/",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_pages_pass_axe_and_reflow(page, live_server, report, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    for name, url in _urls(report).items():
        page.goto(live_server.url + url)
        assert_accessible(page, f"report-{name}-{width}")
        # Nothing may be wider than the viewport (WCAG 1.4.10 reflow).
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= WIDTHS[width], (name, scroll_width)


def test_the_report_shows_its_charts_as_tables_and_offers_the_pdf(page, live_server, report):
    page.goto(live_server.url + _urls(report)["report"])
    expect(page.locator("h1")).to_have_text(
        "Transparenzbericht 2025 – Stadt Lindenfeld", use_inner_text=True
    )
    chart = page.get_by_role("table", name="Nach Fachbereich")
    expect(chart.get_by_role("row", name="Sozialamt 3")).to_have_count(1)
    # The sub-heading names the table; no caption repeats it.
    changed = page.get_by_role("table", name="Geändert", exact=True)
    expect(changed.get_by_role("cell", name="Kontaktadresse")).to_have_count(1)
    changed.get_by_role("link", name="Chatbot für Wohngeldfragen").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Chatbot für Wohngeldfragen"))
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Bericht als PDF herunterladen").click()
    assert download.value.suggested_filename == "ki-transparenzbericht-lindenfeld-2025.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_the_organisation_page_leads_to_the_report_by_keyboard(page, live_server, report):
    page.goto(live_server.url + "/organisationen/lindenfeld/")
    page.get_by_role("link", name="Transparenzberichte dieser Organisation").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/berichte/")
    page.get_by_role("link", name="Bericht 2025", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/berichte/2025/")
    expect(page.locator("main")).to_contain_text("Posteingangssortierung")
