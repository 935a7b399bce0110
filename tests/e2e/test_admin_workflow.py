"""The board's workflow steps in the admin, in a real browser: accessible, errors named."""

import pytest
from playwright.sync_api import expect

from governance import services
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_retires_a_use_case_from_its_admin_page(
    page, live_server, board_member, use_case, department_head, iso
):
    services.classify_use_case(use_case, actor=department_head, facts={"is_ai_system": True})
    services.submit_use_case(use_case, actor=department_head)
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    services.decide_use_case(use_case, actor=board_member, outcome="approved", rationale="gut")
    change_url = f"/admin/registry/usecase/{use_case.pk}/change/"
    page.goto(f"{live_server.url}/konto/anmelden/?next={change_url}")
    page.get_by_label("Benutzername").fill("board")
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"**{change_url}")
    page.get_by_role("link", name="Außer Betrieb nehmen").click()
    page.get_by_role("button", name="Außer Betrieb nehmen").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "admin-step-errors")
    page.get_by_label("Grund").fill("Vertrag endet")
    page.get_by_role("button", name="Außer Betrieb nehmen").click()
    page.wait_for_url(f"**{change_url}")
    expect(page.locator("body")).to_contain_text("Der Anwendungsfall ist außer Betrieb.")
    use_case.refresh_from_db()
    assert use_case.workflow_state == "retired"
