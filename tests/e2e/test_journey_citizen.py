"""A citizen's visit, in German at 320 px and in English at 1,280 px: find the city's chatbot,
understand its risk class, read why a field is empty, take the entry along, know how to object,
and see what changed. Every page checked at 320 and 1,280 px."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page
from tests.e2e.test_public_pages import register  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def on_the_phone(page, name: str) -> None:
    """The page check (which ends at 1,280 px), then back to the citizen's phone."""
    check_page(page, name)
    page.set_viewport_size({"width": 320, "height": 640})


def test_a_citizen_finds_understands_and_objects_on_a_phone(
    page,
    live_server,
    register,  # noqa: F811 (the fixture imported above)
):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/")
    on_the_phone(page, "citizen-01-front")

    # The search comes first; the hit is marked in the result.
    page.get_by_label("Suchbegriff").fill("Wohngeld")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**q=Wohngeld**")
    hit = page.get_by_role("link", name="Chatbot für Wohngeldfragen")
    assert hit.locator("mark").inner_text().lower() == "wohngeld"
    on_the_phone(page, "citizen-02-search")

    # The folded filters name how many entries each option would list.
    page.get_by_text("Filter und Sortierung").click()
    options = page.get_by_label("Risikoklasse").locator("option").all_inner_texts()
    assert "Transparenzpflichten (1)" in options
    page.get_by_label("Risikoklasse").select_option("transparency")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**risiko=transparency**")
    on_the_phone(page, "citizen-03-filtered")

    page.get_by_role("link", name="Chatbot für Wohngeldfragen").click()
    page.wait_for_url(f"**/anwendungsfaelle/{register.use_case_id}/")
    # A withheld field says why; the chatbot's status is not a risk badge.
    expect(page.get_by_text("Schutz der IT-Sicherheit").first).to_be_visible()
    on_the_phone(page, "citizen-04-entry")

    # The risk badge explains itself.
    page.get_by_role("link", name=re.compile("Transparenzpflichten")).first.click()
    page.wait_for_url("**/risikoklassen/**")
    expect(page.get_by_role("heading", name=re.compile("Transparenzpflichten"))).to_be_visible()
    expect(page.get_by_text("Art. 50 KI-Verordnung").first).to_be_visible()
    on_the_phone(page, "citizen-05-risk-classes")
    page.go_back()

    # The entry, taken along as data: the same record as in the register's JSON.
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON-Datei").first.click()
    document = json.loads(download.value.path().read_text())
    assert document["title"] == "Chatbot für Wohngeldfragen"

    # How to object, in the organisation's own words.
    page.get_by_role("link", name="Widersprechen oder Überprüfung durch einen Menschen").click()
    expect(page.get_by_text("eine Sachbearbeiterin prüft")).to_be_visible()
    on_the_phone(page, "citizen-06-objection")
    page.go_back()

    # What changed: the earlier version, the purpose it had then.
    page.get_by_role("link", name=re.compile("^Fassung vom")).last.click()
    page.wait_for_url("**/versionen/**")
    # The URL changes when the navigation commits; the heading comes with the parsed page.
    heading = page.get_by_role("heading", level=1)
    heading.wait_for(state="visible")
    expect(heading).to_be_visible()
    on_the_phone(page, "citizen-07-earlier-version")


def test_an_english_speaking_citizen_reads_an_entry_and_the_open_data(
    page,
    live_server,
    register,  # noqa: F811 (the fixture imported above)
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, "citizen-en-01-front")

    page.get_by_role("link", name="Chatbot für Wohngeldfragen").click()
    page.wait_for_url(f"**/anwendungsfaelle/{register.use_case_id}/")
    # The record's own text is German and says so (WCAG 3.1.2); dates read as English dates.
    expect(page.locator("h1")).to_have_attribute("lang", "de")
    expect(page.get_by_text(re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4}")).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"[A-Z][a-z]{2}\. \d{1,2}, \d{4}"))).to_have_count(0)
    check_page(page, "citizen-en-02-entry")

    page.get_by_role("link", name="Open data").first.click()
    page.wait_for_url("**/daten/")
    expect(page.get_by_role("heading", name="Licence")).to_be_visible()
    expect(page.get_by_text("if you name the source")).to_be_visible()
    check_page(page, "citizen-en-03-open-data")
