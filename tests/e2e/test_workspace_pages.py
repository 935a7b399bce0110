"""Every page type of the workspace passes axe (WCAG 2.1 A/AA) and works by keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from governance import services as governance_services
from tests.e2e.conftest import assert_accessible
from tests.idp_plugin import login_via_idp
from workspace.steps import STEPS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_to_idp(idp, user):
    """Let a persona log in through the test identity provider, keeping their memberships."""
    account = idp.add_account(
        user.username, email=user.email, given_name=user.username.title(), family_name="Test"
    )
    user.oidc_issuer = idp.issuer
    user.oidc_subject = account["sub"]
    user.save(update_fields=["oidc_issuer", "oidc_subject"])


def log_in(page, live_server, idp, user, next_path="/arbeitsbereich/"):
    link_to_idp(idp, user)
    login_via_idp(page, live_server, user.username, next_path=next_path)


def test_overview_and_every_step_are_accessible(page, live_server, idp, department_head, use_case):
    log_in(page, live_server, idp, department_head)
    assert_accessible(page, "workspace-index")
    for step in STEPS:
        page.goto(f"{live_server.url}/arbeitsbereich/{use_case.pk}/schritt/{step.slug}/")
        expect(page.locator("h1")).to_have_text(str(step.title), use_inner_text=True)
        assert_accessible(page, f"workspace-step-{step.slug}")
    page.goto(f"{live_server.url}/arbeitsbereich/{use_case.pk}/")
    assert_accessible(page, "workspace-summary")


def test_form_with_errors_is_accessible_and_links_to_the_field(
    page, live_server, idp, department_head, department
):
    log_in(page, live_server, idp, department_head, next_path="/arbeitsbereich/neu/")
    page.get_by_label("Kurzbeschreibung").fill("Text, der nicht verloren gehen darf.")
    page.get_by_role("button", name="Speichern und weiter").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert_accessible(page, "workspace-errors")
    summary.get_by_role("link", name=re.compile("Bezeichnung")).click()
    expect(page.locator("#id_title")).to_be_focused()
    expect(page.get_by_label("Kurzbeschreibung")).to_have_value(
        "Text, der nicht verloren gehen darf."
    )


def test_history_inbox_and_sign_off_pages_are_accessible(
    page, live_server, idp, department_head, dpo, use_case
):
    governance_services.change_use_case(
        use_case,
        actor=department_head,
        reason="personenbezogene Daten ergänzt",
        processes_personal_data=True,
        dpia_status="done",
    )
    governance_services.classify_use_case(
        use_case, actor=department_head, facts={"is_ai_system": True}
    )
    governance_services.submit_use_case(use_case, actor=department_head)
    log_in(
        page,
        live_server,
        idp,
        department_head,
        next_path=f"/arbeitsbereich/{use_case.pk}/versionen/",
    )
    expect(page.locator(".ws-diff--changed").first).to_be_attached()
    assert_accessible(page, "workspace-history")
    page.context.clear_cookies()
    log_in(page, live_server, idp, dpo, next_path="/arbeitsbereich/pruefungen/")
    assert_accessible(page, "workspace-inbox")
    page.get_by_role("link", name=re.compile("Votum als Datenschutzbeauftragte")).click()
    assert_accessible(page, "workspace-sign-off")


def test_first_step_can_be_completed_with_the_keyboard_alone(
    page, live_server, idp, department_head, department
):
    log_in(page, live_server, idp, department_head, next_path="/arbeitsbereich/neu/")
    focused: list[str] = []
    values = {
        "id_title": "Knöllchen-Assistent",
        "id_short_description": "Sortiert Einsprüche gegen Verwarnungsgelder vor.",
        "id_purpose": "Schnellere Antworten.",
        "id_responsible_role": "Sachgebietsleitung Verkehrsordnungswidrigkeiten",
    }
    for _press in range(60):
        page.keyboard.press("Tab")
        current = page.evaluate("document.activeElement.id")
        focused.append(current)
        if current in values:
            page.keyboard.type(values.pop(current))
        if not values:
            break
    assert not values, f"not reached by Tab: {list(values)}; focus went {focused}"
    page.keyboard.press("Enter")
    page.wait_for_url("**/schritt/verantwortung/")
    expect(page.locator("h1")).to_contain_text("Verantwortung")


def test_a_long_overview_pages_each_section_by_keyboard(
    page, live_server, idp, department_head, department, monkeypatch
):
    from tests.conftest import make_use_case
    from workspace import views

    for title in ("Erster Fall", "Zweiter Fall", "Dritter Fall"):
        make_use_case(department_head, department, title)
    monkeypatch.setattr(views, "MY_USE_CASES_PAGE_SIZE", 2)
    log_in(page, live_server, idp, department_head)
    pages = page.get_by_role("navigation", name="Seiten: Anwendungsfälle aus meinen Fachbereichen")
    expect(pages).to_contain_text("Seite 1 von 2")
    pages.get_by_role("link", name="nächste Seite").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**seite=2")
    expect(pages).to_contain_text("Seite 2 von 2")
    expect(page.get_by_role("link", name="Zweiter Fall")).to_have_count(1)
    assert_accessible(page, "workspace-index-page-2")
