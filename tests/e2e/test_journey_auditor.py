"""The auditor's day: every record read-only, narrowed by the list's filters, a record and what
changed between two versions. Every page checked at 320 and 1,280 px."""

import pytest
from playwright.sync_api import expect

from governance import services
from tests.conftest import make_use_case
from tests.e2e.conftest import check_page
from tests.e2e.test_workspace_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_auditor_reads_records_and_their_changes(
    page, live_server, idp, auditor, department_head, department
):
    pilot = make_use_case(department_head, department, "Chatbot Bürgerbüro", status="pilot")
    make_use_case(department_head, department, "Posteingang sortieren", status="idea")
    services.change_use_case(
        pilot,
        actor=department_head,
        reason="Zweck präzisiert",
        purpose="Fragen zu Öffnungszeiten und Unterlagen rund um die Uhr beantworten.",
    )

    log_in(page, live_server, idp, auditor)
    # Read-only: no way to create, the list of everything the auditor may see.
    expect(page.get_by_role("link", name="Neuen Anwendungsfall erfassen")).to_have_count(0)
    check_page(page, "auditor-01-list")

    # Beyond the search field, the filters are folded (the first result is near the top at
    # 320 px); chosen, they stay open.
    expect(page.get_by_label("Status")).to_be_hidden()
    page.get_by_text("Filter und Sortierung").click()
    page.get_by_label("Status").select_option("pilot")
    page.get_by_role("button", name="Anwenden").click()
    page.wait_for_url("**status=pilot**")
    expect(page.get_by_label("Status")).to_be_visible()
    expect(page.get_by_role("link", name="Chatbot Bürgerbüro")).to_be_visible()
    expect(page.get_by_role("link", name="Posteingang sortieren")).to_have_count(0)
    check_page(page, "auditor-02-filtered")

    page.get_by_role("link", name="Chatbot Bürgerbüro").click()
    page.wait_for_url(f"**/arbeitsbereich/{pilot.pk}/")
    check_page(page, "auditor-03-summary")

    page.goto(f"{live_server.url}/arbeitsbereich/{pilot.pk}/versionen/")
    expect(page.get_by_text("Fragen zu Öffnungszeiten").first).to_be_visible()
    check_page(page, "auditor-04-versions")
