"""The strict Content-Security-Policy in a real browser: enforced, and nothing the site itself
ships is blocked: public pages, workspace, dashboard, the admin and the API docs.

The autouse fixture csp_violations (tests/e2e/conftest.py) fails every browser test on a
violation; this file visits what the other journeys do not.
"""

import pytest
from playwright.sync_api import expect

from governance import services
from tests.e2e.conftest import CSP_MARK, assert_accessible
from tests.e2e.test_workspace_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, next_url: str) -> None:
    page.goto(f"{live_server.url}/konto/anmelden/?next={next_url}")
    page.get_by_label("Benutzername").fill("board")
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url(f"**{next_url}")


def test_the_policy_is_enforced_and_a_violation_is_seen(page, live_server, db, csp_violations):
    response = page.goto(live_server.url + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    with page.expect_console_message(lambda message: CSP_MARK in message.text):
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "document.body.dataset.injected = 'yes'";
              document.head.appendChild(script);
            }"""
        )
    # The injected inline script was refused, and the listener saw it.
    assert page.evaluate("document.body.dataset.injected") is None
    assert csp_violations
    csp_violations.clear()


def test_the_admin_works_under_the_policy(
    page, live_server, board_member, use_case, department_head, iso
):
    services.classify_use_case(use_case, actor=department_head, facts={"is_ai_system": True})
    services.submit_use_case(use_case, actor=department_head)
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    _log_in(page, live_server, "/admin/")
    expect(page.get_by_role("link", name="Übersicht des KI-Gremiums").first).to_be_visible()
    assert_accessible(page, "csp-admin-index")
    for path in (
        "/admin/registry/usecase/",
        f"/admin/registry/usecase/{use_case.pk}/change/",
        f"/admin/registry/usecase/{use_case.pk}/history/",
        "/admin/accounts/membership/",
        "/admin/accounts/membership/add/",
        "/admin/accounts/claimmappingrule/add/",
        "/admin/accounts/claimmappingrule/vorschau/",
        "/admin/governance/transparencyreport/add/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    # The changelist's JavaScript (actions, filters) runs: selecting a row counts it.
    page.goto(live_server.url + "/admin/registry/usecase/")
    page.locator("input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1 von")


def test_the_workspace_and_the_dashboard_work_under_the_policy(
    page, live_server, idp, department_head, board_member, use_case
):
    log_in(page, live_server, idp, department_head, next_path=f"/arbeitsbereich/{use_case.pk}/")
    # The steps carry the workspace's script (static/js/workspace.js).
    page.goto(f"{live_server.url}/arbeitsbereich/{use_case.pk}/schritt/grunddaten/")
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    _log_in(page, live_server, "/gremium/")
    expect(page.locator("h1")).to_have_text("Übersicht des KI-Gremiums", use_inner_text=True)
    assert_accessible(page, "csp-dashboard")


def test_the_api_docs_render_under_their_own_policy(page, live_server, db, csp_violations):
    page.goto(live_server.url + "/api/schema/swagger/")
    page.locator(".swagger-ui .info .title").wait_for()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("KI-Register API")
    assert csp_violations == []
    page.goto(live_server.url + "/api/schema/redoc/")
    page.get_by_role("heading", name="KI-Register API").first.wait_for()
    page.wait_for_load_state("networkidle")
    # ReDoc's footer asks its vendor's CDN for a logo: refused, as everything from elsewhere is
    # (the footer then shows its text alone). Nothing else may be blocked. The browser reports
    # the refusal when the image is tried, which may be after the page went quiet: wait for it,
    # or it would arrive after the list was cleared.
    for _ in range(50):
        if any("https://cdn.redoc.ly/" in violation for violation in csp_violations):
            break
        page.wait_for_timeout(100)
    # Leaving the page delivers what it still had to report (a second try of the logo).
    page.goto("about:blank")
    assert all("https://cdn.redoc.ly/" in violation for violation in csp_violations)
    csp_violations.clear()
