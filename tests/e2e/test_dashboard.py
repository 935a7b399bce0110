"""The governance board's dashboard in a real browser: accessible, usable by keyboard."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from accounts.services import grant_role
from governance import services
from tests.e2e.conftest import assert_accessible, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/konto/anmelden/?next=/gremium/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/gremium/**")


def test_the_dashboard_shows_the_boards_numbers_accessibly(
    page, live_server, board_member, use_case, department_head, iso
):
    services.classify_use_case(use_case, actor=department_head, facts={"is_ai_system": True})
    services.submit_use_case(use_case, actor=department_head)
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    _log_in(page, live_server, "board")
    expect(page.locator("h1")).to_have_text("Übersicht des KI-Gremiums", use_inner_text=True)
    state_table = page.get_by_role("table", name="Nach Bearbeitungsstand")
    expect(state_table.get_by_role("row", name="in Prüfung 1")).to_have_count(1)
    expect(page.get_by_role("link", name="Wohngeld-Vorprüfung").first).to_be_attached()
    assert_accessible(page, "gremium-dashboard")
    check_page(page, "gremium-dashboard")
    # The bar charts themselves fit a 320 px window, not only the page around them (#15).
    page.set_viewport_size({"width": 320, "height": 900})
    widths = page.eval_on_selector_all(
        ".bar-chart", "tables => tables.map((t) => t.getBoundingClientRect().right)"
    )
    assert widths and max(widths) <= 320, widths


def test_a_board_member_of_two_organisations_switches_by_keyboard(
    page, live_server, board_member, other_organisation, foreign_use_case
):
    grant_role(
        board_member,
        organisation=other_organisation,
        role=Membership.Role.BOARD,
        actor=None,
        reason="Testdaten",
    )
    _log_in(page, live_server, "board")
    select = page.get_by_label("Organisation", exact=True)
    select.focus()
    select.select_option(label="Landkreis Birkenau")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Anzeigen"
    page.keyboard.press("Enter")
    page.wait_for_url("**organisation=birkenau")
    expect(page.locator("main")).to_contain_text("Landkreis Birkenau")
    assert_accessible(page, "gremium-dashboard-selector")


def test_a_shortened_list_says_how_many_there_are_and_stays_accessible(
    page,
    live_server,
    board_member,
    use_case,
    department_head,
    other_department_use_case,
    other_department_head,
    monkeypatch,
):
    from governance import selectors, views
    from tests.governance.conftest import HIGH_RISK

    # A minimal-risk use case opens no obligation of its own any more (AI literacy, Art. 4,
    # is the organisation's); a high-risk one opens several: the list of open obligations.
    services.classify_use_case(use_case, actor=department_head, facts={"is_ai_system": True})
    services.classify_use_case(
        other_department_use_case, actor=other_department_head, facts=HIGH_RISK
    )
    total = selectors.open_obligations(use_case.organisation).count()
    assert total > 1
    monkeypatch.setattr(views, "DASHBOARD_LIST_LIMIT", 1)
    _log_in(page, live_server, "board")
    expect(page.get_by_text(f"Die ersten 1 von {total}.")).to_have_count(1)
    expect(page.get_by_role("link", name="Alle in der Verwaltung")).to_have_count(1)
    assert_accessible(page, "gremium-dashboard-short-list")
