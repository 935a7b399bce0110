"""A department head's morning: find the record among many, see what is missing, add the
service from the catalogue, save. Logged in through the identity provider; every page checked
at 320 and 1,280 px (reflow, broken words, axe)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import make_use_case
from tests.e2e.conftest import check_page
from tests.e2e.test_workspace_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CATALOGUE = "Schluessel;Bezeichnung;Synonyme\n99000000000001;Wohngeld Bewilligung;Mietzuschuss\n"


def test_department_head_finds_a_record_and_adds_its_service(
    page, live_server, idp, department_head, department, tmp_path
):
    for number in range(30):
        make_use_case(department_head, department, f"Posteingang sortieren {number:02}")
    make_use_case(department_head, department, "Wohngeldanträge vorprüfen")
    catalogue = tmp_path / "leika.csv"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    call_command("import_leika", str(catalogue), "--as-of", "2026-11-15")

    log_in(page, live_server, idp, department_head)
    check_page(page, "head-01-my-use-cases")

    # Thirty-one records: the search finds the one meant, without JavaScript (a GET form).
    page.get_by_label("Suche in Bezeichnung, Kurzbeschreibung und Zweck").fill("Wohngeld")
    page.get_by_role("button", name="Anwenden").click()
    page.wait_for_url("**q=Wohngeld**")
    expect(page.get_by_text("Ein Anwendungsfall passt zu Ihrer Suche.")).to_be_visible()
    check_page(page, "head-02-search")

    page.get_by_role("link", name="Wohngeldanträge vorprüfen").click()
    page.wait_for_url("**/arbeitsbereich/*/")
    check_page(page, "head-03-summary")

    # The step list says how far each step is, in words.
    page.get_by_role("link", name="Bearbeiten").first.click()
    page.wait_for_url("**/schritt/grunddaten/")
    steps = page.get_by_role("navigation", name="Schritte")
    expect(steps.get_by_role("link", name="Grunddaten (erledigt)")).to_have_count(1)
    expect(steps.get_by_role("link", name="Rechtsgrundlage (noch offen)")).to_have_count(1)
    check_page(page, "head-04-first-step")

    page.goto(page.url.replace("grunddaten", "leistungen"))
    page.get_by_label("Bezeichnung, Stichwort oder Anfang des Schlüssels").fill("Mietzuschuss")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**leika_suche=Mietzuschuss**")
    check_page(page, "head-05-catalogue-search")
    page.get_by_role("link", name="„Wohngeld Bewilligung“ übernehmen").click()
    page.wait_for_url("**leika=99000000000001**")
    expect(page.get_by_label("LeiKa-Schlüssel").first).to_have_value("99000000000001")
    check_page(page, "head-06-service-taken")
    page.get_by_role("button", name="Als Entwurf speichern").click()
    page.wait_for_url("**/schritt/leistungen/")
    expect(page.get_by_text("Ihre Angaben sind gespeichert.")).to_be_visible()
    check_page(page, "head-07-saved")
