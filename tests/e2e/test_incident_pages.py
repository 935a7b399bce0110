"""Incidents and objections in a real browser: an objection from the public form to its handled
outcome, and every new page checked by axe-core (WCAG 2.1 A/AA) at 320 px and desktop width."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents import services
from incidents.models import Objection
from registry.publication import publish_use_case
from tests.e2e.conftest import check_page
from tests.e2e.test_workspace_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_objection_from_the_public_form_to_its_handled_outcome(
    page, live_server, idp, use_case, board_member, department_head
):
    publish_use_case(use_case, actor=board_member, reason="Test")
    page.goto(f"{live_server.url}/anwendungsfaelle/{use_case.pk}/widerspruch/")
    page.get_by_role("link", name="Zum Widerspruchsformular").click()
    page.wait_for_url("**/widerspruch/formular/")
    check_page(page, "objection-form")
    page.get_by_label("Ihr Anliegen").fill("Mein Wohngeldantrag wurde falsch vorgeprüft.")
    page.get_by_label("Ihre E-Mail-Adresse").fill("erika@example.org")
    page.get_by_role("button", name="Widerspruch senden").click()
    # Contact data without consent: refused, the text stays, the error is announced.
    expect(page.locator("[role=alert]").first).to_contain_text("willigen Sie ein")
    check_page(page, "objection-form-errors")
    expect(page.get_by_label("Ihr Anliegen")).to_have_value(re.compile(r"^Mein Wohngeldantrag"))
    page.get_by_label(re.compile("Ich willige ein")).check()
    page.wait_for_timeout(3200)  # the form's token refuses posts within seconds of showing it
    page.get_by_role("button", name="Widerspruch senden").click()
    page.wait_for_url("**/widerspruch/eingegangen/")
    expect(page.locator("body")).to_contain_text("Aktenzeichen")
    check_page(page, "objection-received")
    objection = Objection.objects.get()

    page.context.clear_cookies()
    log_in(page, live_server, idp, department_head, next_path="/arbeitsbereich/widersprueche/")
    check_page(page, "workspace-objections")
    page.get_by_role("link", name=objection.case_number).click()
    check_page(page, "workspace-objection")
    page.get_by_role("button", name="Überprüfung beginnen").click()
    page.get_by_label("Ein Mensch hat den Fall überprüft").check()
    page.get_by_label("Entscheidung geändert").check()
    page.get_by_label("Begründung des Ergebnisses").fill(
        "Einkommen falsch übernommen; neu berechnet."
    )
    page.get_by_role("button", name="Abschließen").click()
    expect(page.locator("body")).to_contain_text("Das Ergebnis ist dokumentiert.")
    objection.refresh_from_db()
    assert (objection.status, objection.outcome) == ("decided", "changed")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/anwendungsfaelle/{use_case.pk}/stoerungen-und-widersprueche/")
    check_page(page, "public-incidents-and-objections")
    assert "Mein Wohngeldantrag" not in page.content()  # counts only, never the content


def test_the_incident_pages_are_accessible(page, live_server, idp, use_case, department_head):
    incident = services.record_incident(
        use_case,
        actor=department_head,
        title="Falsche Vorschläge",
        description="Das System schlug Ablehnungen vor.",
        aware_at=timezone.now() - datetime.timedelta(hours=2),
        effect="serious",
        personal_data_involved=True,
    )
    log_in(page, live_server, idp, department_head, next_path="/arbeitsbereich/stoerungen/")
    check_page(page, "workspace-incidents")
    page.get_by_role("link", name="Falsche Vorschläge").first.click()
    check_page(page, "workspace-incident")
    page.get_by_role("button", name="Folgemaßnahme hinzufügen").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_page(page, "workspace-incident-errors")
    page.goto(f"{live_server.url}/arbeitsbereich/stoerungen/{incident.pk}/bearbeiten/")
    check_page(page, "workspace-incident-edit")
    page.goto(f"{live_server.url}/arbeitsbereich/stoerungen/neu/")
    check_page(page, "workspace-incident-new")
    page.goto(f"{live_server.url}/arbeitsbereich/widersprueche/neu/")
    check_page(page, "workspace-objection-new")


def test_the_deadline_settings_page_is_accessible(page, live_server, idp, board_member):
    log_in(page, live_server, idp, board_member, next_path="/arbeitsbereich/fristen/")
    check_page(page, "workspace-response-settings")
    page.get_by_label("Zeitzone").fill("Mars/Olympus")
    page.get_by_label("Grund der Änderung").fill("Test")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_page(page, "workspace-response-settings-errors")
