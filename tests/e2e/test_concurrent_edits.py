"""Two browsers edit one use case: the second save is refused, shows why and keeps the input."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from registry.models import UseCase
from tests.conftest import make_person
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_workspace_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _second_browser(browser, live_server, idp, user, next_path):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    log_in(page, live_server, idp, user, next_path=next_path)
    return context, page


def test_a_stale_workspace_save_is_refused_in_the_second_browser(
    page, browser, live_server, idp, department_head, board_member, use_case
):
    step = f"/arbeitsbereich/{use_case.pk}/schritt/grunddaten/"
    log_in(page, live_server, idp, department_head, next_path=step)
    context, other = _second_browser(browser, live_server, idp, board_member, step)
    other.get_by_label("Zweck").fill("Zweck, wie das Gremium ihn sieht.")
    other.get_by_role("button", name="Als Entwurf speichern").click()
    other.get_by_text("Ihre Angaben sind gespeichert.").wait_for()
    context.close()

    page.get_by_label("Zweck").fill("Zweck, wie die Amtsleitung ihn sieht.")
    page.get_by_role("button", name="Als Entwurf speichern").click()
    page.locator("#conflict-summary").wait_for()
    expect(page.locator("#conflict-summary")).to_contain_text("Zweck")
    expect(page.get_by_label("Zweck")).to_have_value("Zweck, wie die Amtsleitung ihn sieht.")
    assert_accessible(page, "workspace-conflict")
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "workspace-conflict-mobile")
    assert UseCase.objects.get(pk=use_case.pk).purpose == "Zweck, wie das Gremium ihn sieht."


def test_a_stale_admin_save_is_refused_in_the_second_browser(
    page, browser, live_server, idp, board_member, organisation, ai_system
):
    chair = make_person("gremium-vorsitz", organisation, Membership.Role.BOARD)
    change = f"/admin/registry/aisystem/{ai_system.pk}/change/"
    log_in(page, live_server, idp, board_member, next_path=change)
    context, other = _second_browser(browser, live_server, idp, chair, change)
    other.get_by_label("Anbieter").fill("Anbieter des Vorsitzes")
    other.get_by_role("button", name="Sichern", exact=True).click()
    other.get_by_text("erfolgreich geändert").wait_for()
    context.close()

    page.get_by_label("Anbieter").fill("Anbieter des Gremiums")
    page.get_by_role("button", name="Sichern", exact=True).click()
    page.get_by_text("Inzwischen hat jemand anderes diesen Datensatz geändert").wait_for()
    expect(page.get_by_label("Anbieter")).to_have_value("Anbieter des Gremiums")
    ai_system.refresh_from_db()
    assert ai_system.vendor == "Anbieter des Vorsitzes"
