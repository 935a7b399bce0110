"""The data protection officer's day: what waits for a sign-off, reading the record, agreeing;
then nothing is left to do. Every page checked at 320 and 1,280 px."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_use_case
from tests.e2e.conftest import check_page
from tests.e2e.test_workspace_pages import log_in
from tests.workspace.conftest import classify_and_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dpo_signs_off_what_waits_and_is_done(
    page, live_server, idp, dpo, department_head, department
):
    use_case = make_use_case(
        department_head,
        department,
        "Posteingang sortieren",
        processes_personal_data=True,
        dpia_status="done",
        dpia_not_needed_reason="",
    )
    classify_and_submit(use_case, department_head)
    log_in(page, live_server, idp, dpo)
    check_page(page, "dpo-01-my-use-cases")

    page.get_by_role("link", name="Ein Anwendungsfall wartet auf Ihr Votum.").click()
    page.wait_for_url("**/arbeitsbereich/pruefungen/")
    check_page(page, "dpo-02-inbox")

    page.get_by_role("link", name=re.compile("^Votum als Datenschutz")).first.click()
    page.wait_for_url("**/votum/dpo/")
    # The record comes first, the decision after it (#15: decision after information); the
    # groups a DPO reads first lead, the rest is one click away.
    headings = page.locator("h3").all_inner_texts()
    assert headings[:3] == ["Daten", "Rechtsgrundlage", "Folgenabschätzungen"]
    expect(page.get_by_role("heading", name="Grunddaten")).to_be_hidden()
    check_page(page, "dpo-03-sign-off")
    page.get_by_text("Alle weiteren Angaben des Fachbereichs").click()
    expect(page.get_by_role("heading", name="Grunddaten")).to_be_visible()
    page.get_by_label("Ich stimme zu").check()
    page.get_by_role("button", name="Votum abgeben").click()
    page.wait_for_load_state()
    check_page(page, "dpo-04-after-sign-off")

    page.goto(f"{live_server.url}/arbeitsbereich/?handlungsbedarf=on")
    expect(page.get_by_text("Ihr Votum wird erwartet")).to_have_count(0)
    check_page(page, "dpo-05-nothing-left")
