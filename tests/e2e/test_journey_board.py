"""A board member's day: the dashboard's numbers, what waits for a decision, deciding after
reading, then the readable history. Every page checked at 320 and 1,280 px."""

import pytest
from playwright.sync_api import expect

from governance import services
from tests.e2e.conftest import check_page
from tests.e2e.test_workspace_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_member_reads_the_dashboard_and_decides(
    page, live_server, idp, board_member, use_case, department_head, iso
):
    services.classify_use_case(use_case, actor=department_head, facts={"is_ai_system": True})
    services.submit_use_case(use_case, actor=department_head, note="Bitte entscheiden.")
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    board_member.is_staff = True  # the admin's own flag
    board_member.save()

    log_in(page, live_server, idp, board_member, next_path="/gremium/")
    expect(page.get_by_role("table", name="Nach Bearbeitungsstand")).to_be_visible()
    check_page(page, "board-01-dashboard")

    page.goto(f"{live_server.url}/admin/")
    waiting = page.locator("#awaiting-decision")
    expect(waiting.get_by_role("link", name=use_case.title)).to_be_visible()
    check_page(page, "board-02-admin-index")

    waiting.get_by_role("link", name=use_case.title).click()
    page.wait_for_url("**/entscheiden/**")
    expect(page.get_by_text("Bitte entscheiden.")).to_be_visible()  # the submitter's note
    check_page(page, "board-03-decide")
    page.get_by_label("freigegeben").check()
    page.get_by_label("Begründung").fill("Nutzen belegt, Aufsicht geregelt.")
    page.get_by_role("button", name="Entscheidung speichern").click()
    page.wait_for_url(f"**/admin/registry/usecase/{use_case.pk}/change/")
    check_page(page, "board-04-decided")

    page.goto(f"{live_server.url}/admin/registry/usecase/{use_case.pk}/history/")
    expect(page.get_by_role("heading", name=f"Änderungsverlauf: {use_case.title}")).to_be_visible()
    check_page(page, "board-05-history")
