"""Every page type at 320 px: no horizontal scrolling, no word broken mid-letter (WCAG 1.4.10).

Tables stack into one card per row or scroll inside their own region; the admin's change page
also fits a 1,280 px window.
"""

import pytest

from governance import services as governance_services
from tests.e2e.conftest import assert_reflows
from tests.e2e.test_public_pages import page_urls, register  # noqa: F401 (the fixture)
from workspace.steps import STEPS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 800}


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("pw")
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


@pytest.fixture
def reviewed_use_case(use_case, department_head, dpo, board_member):
    """A use case with two versions, waiting for the DPO's sign-off."""
    governance_services.change_use_case(
        use_case,
        actor=department_head,
        reason="personenbezogene Daten ergänzt",
        processes_personal_data=True,
        dpia_status="done",
        purpose="Anfragen zu Verwaltungsleistungen rund um die Uhr beantworten und weiterleiten.",
    )
    governance_services.classify_use_case(
        use_case, actor=department_head, facts={"is_ai_system": True}
    )
    governance_services.submit_use_case(use_case, actor=department_head, note="Bitte prüfen.")
    return use_case


def visit(page, live_server, name, path):
    response = page.goto(live_server.url + path)
    assert response is not None and response.status < 400, (name, response and response.status)
    assert_reflows(page, name)


def test_every_page_type_reflows_at_320_px(
    page,
    live_server,
    register,  # noqa: F811 (the fixture imported above)
    reviewed_use_case,
    department_head,
    dpo,
    board_member,
):
    page.set_viewport_size(NARROW)
    for name, path in page_urls(register).items():
        if name in {"not-found", "bad-request"}:
            continue
        visit(page, live_server, f"public-{name}", path)
    visit(page, live_server, "public-imprint", "/impressum/")
    visit(page, live_server, "public-privacy", "/datenschutz/")
    for name in ("not-found", "bad-request"):
        page.goto(live_server.url + page_urls(register)[name])
        assert_reflows(page, f"public-{name}")

    pk = reviewed_use_case.pk
    log_in(page, live_server, department_head.username)
    visit(page, live_server, "workspace-index", "/arbeitsbereich/")
    visit(page, live_server, "workspace-summary", f"/arbeitsbereich/{pk}/")
    for step in STEPS:
        visit(
            page,
            live_server,
            f"workspace-step-{step.slug}",
            f"/arbeitsbereich/{pk}/schritt/{step.slug}/",
        )
    visit(page, live_server, "workspace-history", f"/arbeitsbereich/{pk}/versionen/")
    visit(page, live_server, "workspace-history-all", f"/arbeitsbereich/{pk}/versionen/?alle=1")

    log_in(page, live_server, dpo.username)
    visit(page, live_server, "workspace-inbox", "/arbeitsbereich/pruefungen/")
    visit(page, live_server, "workspace-sign-off", f"/arbeitsbereich/{pk}/votum/dpo/")

    log_in(page, live_server, board_member.username)
    visit(page, live_server, "dashboard", "/gremium/")
    visit(page, live_server, "admin-index", "/admin/")
    visit(page, live_server, "admin-change", f"/admin/registry/usecase/{pk}/change/")
    visit(page, live_server, "admin-history", f"/admin/registry/usecase/{pk}/history/")
    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, live_server, "admin-change", f"/admin/registry/usecase/{pk}/change/")
