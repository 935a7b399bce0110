"""End to end: a department head registers and submits, reviewers sign off, the board approves,
the public sees it; another head cannot edit it; an expired session loses nothing."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import UseCase
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_risk_step import _answer_tree
from tests.e2e.test_workspace_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _next(page):
    page.locator(".ws-actions").get_by_role(
        "button", name=re.compile("^Speichern und")
    ).first.click()


def _register_through_every_step(page, live_server) -> UseCase:
    page.goto(f"{live_server.url}/arbeitsbereich/")
    page.get_by_role("link", name="Neuen Anwendungsfall erfassen").first.click()
    assert_accessible(page, "journey-01-grunddaten")
    page.get_by_label("Bezeichnung", exact=True).fill("Wohngeldanträge vorprüfen")
    page.get_by_label("Kurzbeschreibung").fill("Ein Assistent prüft Anträge auf Vollständigkeit.")
    page.get_by_label("Zweck").fill("Weniger Rückfragen, schnellere Bescheide.")
    page.get_by_label("Status").select_option("pilot")
    page.get_by_label("fachlich verantwortliche Stelle").fill("Sachgebietsleitung Wohngeld")
    _next(page)

    page.wait_for_url("**/schritt/verantwortung/")
    use_case = UseCase.objects.get(title="Wohngeldanträge vorprüfen")
    assert_accessible(page, "journey-02-verantwortung")
    page.get_by_label("öffentliche Kontaktadresse").fill("wohngeld@lindenfeld.example")
    _next(page)

    page.wait_for_url("**/schritt/rechtsgrundlage/")
    page.get_by_label("Gesetz").fill("DSGVO")
    page.get_by_label("Vorschrift", exact=True).fill("Art. 6 Abs. 1 lit. e")
    assert_accessible(page, "journey-03-rechtsgrundlage")
    _next(page)

    page.wait_for_url("**/schritt/daten/")
    page.get_by_label("Personenbezogene Daten", exact=True).check()
    page.get_by_label("Datenquelle", exact=True).fill("Antragsformular")
    page.get_by_label("genutztes Register").fill("Melderegister")
    assert_accessible(page, "journey-04-daten")
    _next(page)

    page.wait_for_url("**/schritt/system/")
    page.get_by_label("Bezeichnung des neuen KI-Systems").fill("Antragsassistent")
    page.get_by_label("Technik").select_option("machine_learning")
    page.get_by_label("Betrieb").select_option("municipal_it_provider")
    assert_accessible(page, "journey-05-system")
    _next(page)

    page.wait_for_url("**/schritt/risiko/")
    assert_accessible(page, "journey-06-risiko")
    # The decision tree, one question at a time, answered in place by the small script.
    _answer_tree(page, {"interacts_with_natural_persons": "Ja"}, scripted=True)
    page.locator("#risk-result [data-risk-class='transparency']").wait_for()
    assert_accessible(page, "journey-06-risiko-zusammenfassung")
    _next(page)

    page.wait_for_url("**/schritt/aufsicht/")
    page.get_by_label("Art der menschlichen Aufsicht").select_option("in_the_loop")
    page.get_by_label("Aufsicht durch (Funktion)").fill("Sachbearbeitung Wohngeld")
    screenshot(page, "journey-07-aufsicht")
    _next(page)

    page.wait_for_url("**/schritt/folgenabschaetzungen/")
    page.get_by_label("Datenschutz-Folgenabschätzung", exact=True).select_option("done")
    screenshot(page, "journey-08-folgenabschaetzungen")
    _next(page)

    for slug in ("mitbestimmung", "leistungen", "eignung"):
        page.wait_for_url(f"**/schritt/{slug}/")
        if slug == "leistungen":
            page.get_by_label("LeiKa-Schlüssel").fill("99102011000000")
        if slug == "eignung":
            page.get_by_label("Fallzahl pro Jahr").fill("12000")
        screenshot(page, f"journey-{slug}")
        _next(page)

    page.wait_for_url("**/schritt/veroeffentlichung/")
    # The review schedule is the board's (set by the decision): shown, not typed.
    page.get_by_text("Den Termin setzt die Freigabe").wait_for()
    screenshot(page, "journey-12-veroeffentlichung")
    _next(page)

    page.wait_for_url(f"**/arbeitsbereich/{use_case.pk}/")
    assert_accessible(page, "journey-13-zusammenfassung")
    page.get_by_label("Hinweis für die Prüfenden").fill("Pilot im Sozialamt.")
    page.get_by_role("button", name="Jetzt einreichen").click()
    page.get_by_text("Der Anwendungsfall ist eingereicht.").wait_for()
    use_case.refresh_from_db()
    return use_case


def _sign_off(browser, live_server, idp, reviewer, role_label, screenshot_name):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    log_in(page, live_server, idp, reviewer, next_path="/arbeitsbereich/pruefungen/")
    page.get_by_role("link", name=re.compile(f"Votum als {role_label}")).click()
    page.get_by_label("Ich stimme zu").check()
    screenshot(page, screenshot_name)
    page.get_by_role("button", name="Votum abgeben").click()
    page.get_by_text("Ihr Votum ist gespeichert.").wait_for()
    context.close()


def test_use_case_travels_from_registration_to_the_public_page(
    page, browser, live_server, idp, department_head, dpo, iso, board_member, other_department_head
):
    log_in(page, live_server, idp, department_head)
    use_case = _register_through_every_step(page, live_server)
    assert use_case.workflow_state == UseCase.WorkflowState.SUBMITTED
    assert use_case.risk_class == UseCase.RiskClass.TRANSPARENCY
    assert use_case.legal_bases.count() == 1 and use_case.public_services.count() == 1

    _sign_off(browser, live_server, idp, dpo, "Datenschutzbeauftragte", "journey-14-dsb")
    _sign_off(browser, live_server, idp, iso, "Informationssicherheits", "journey-15-isb")

    context = browser.new_context(locale="de-DE")
    board_page = context.new_page()
    log_in(board_page, live_server, idp, board_member, next_path="/admin/")
    board_page.goto(f"{live_server.url}/admin/registry/usecase/{use_case.pk}/entscheiden/")
    board_page.get_by_label("freigegeben").check()
    board_page.get_by_label("Begründung").fill("Geringes Risiko, Aufsicht geregelt.")
    board_page.get_by_role("button", name="Entscheidung speichern").click()
    board_page.get_by_text("Die Entscheidung ist gespeichert.").wait_for()
    screenshot(board_page, "journey-16-gremium")
    context.close()

    page.goto(f"{live_server.url}/anwendungsfaelle/{use_case.pk}/")
    expect(page.locator("h1")).to_contain_text("Wohngeldanträge vorprüfen")
    screenshot(page, "journey-17-oeffentlich")

    context = browser.new_context(locale="de-DE")
    other_page = context.new_page()
    log_in(other_page, live_server, idp, other_department_head)
    response = other_page.goto(
        f"{live_server.url}/arbeitsbereich/{use_case.pk}/schritt/grunddaten/"
    )
    assert response.status == 403
    context.close()


def test_expired_session_mid_form_loses_nothing(page, live_server, idp, department_head, use_case):
    log_in(
        page,
        live_server,
        idp,
        department_head,
        next_path=f"/arbeitsbereich/{use_case.pk}/schritt/grunddaten/",
    )
    page.get_by_label("Zweck").fill("Was ich in der langen Pause getippt habe.")
    # The session ends while the form is open, as after SESSION_COOKIE_AGE.
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Speichern und weiter").click()
    page.wait_for_url(re.compile(r".*/konto/anmelden/.*"))
    assert_accessible(page, "workspace-session-expired")
    expect(page.locator("body")).to_contain_text("Ihre Eingaben sind gesichert")
    page.get_by_role("button", name="Mit dem Konto Ihrer Verwaltung anmelden").click()
    account_field = page.get_by_label("Benutzername")
    account_field.or_(page.get_by_role("heading", name="Grunddaten")).wait_for()
    if account_field.count():
        # Without a session at the identity provider as well, it asks for the account.
        page.get_by_label("Benutzername").fill(department_head.username)
        page.get_by_role("button", name="Anmelden").click()
    # The kept input is shown again, not yet saved: the person checks it and saves.
    page.get_by_role("heading", name="Grunddaten").wait_for()
    expect(page.locator("body")).to_contain_text("Es ist noch nichts gespeichert")
    expect(page.get_by_label("Zweck")).to_have_value("Was ich in der langen Pause getippt habe.")
    use_case.refresh_from_db()
    assert use_case.purpose != "Was ich in der langen Pause getippt habe."
    assert_accessible(page, "workspace-kept-input-shown")
    page.get_by_role("button", name="Speichern und weiter").click()
    page.wait_for_url(f"{live_server.url}/arbeitsbereich/{use_case.pk}/schritt/verantwortung/")
    use_case.refresh_from_db()
    assert use_case.purpose == "Was ich in der langen Pause getippt habe."
