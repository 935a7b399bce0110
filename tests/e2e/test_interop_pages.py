"""The import page (dry run with errors, then apply) and the open-data page with the standards'
exports, in a real browser: axe-core WCAG 2.1 A/AA at 320 px and desktop width, no overflow."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import UseCase
from registry.publication import publish_use_case
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_workspace_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"mobile": 320, "desktop": 1280}
HEADER = "Fachbereich,Bezeichnung,Kurzbeschreibung,Zweck,fachlich verantwortliche Stelle\r\n"


def assert_fits(page, width):
    page.wait_for_load_state()  # a click's navigation may not have committed yet
    page.set_viewport_size({"width": width, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_import_dry_run_shows_errors_then_imports(
    page, live_server, idp, department_head, department, tmp_path
):
    log_in(page, live_server, idp, department_head, next_path="/arbeitsbereich/import/")
    bad = tmp_path / "liste.csv"
    bad.write_text(HEADER + "Sozialamt,,Kurz,Zweck,Stelle\r\n", encoding="utf-8")
    page.get_by_label("Datei (CSV, XLSX oder JSON)").set_input_files(str(bad))
    page.get_by_role("button", name="Probe anzeigen").click()
    expect(page.locator("[role=alert]").first).to_contain_text("Zeile 2, Spalte „Bezeichnung“")
    for name, width in WIDTHS.items():
        assert_fits(page, width)
        assert_accessible(page, f"import-errors-{name}")
    good = tmp_path / "gut.csv"
    good.write_text(HEADER + "Sozialamt,Aus der Tabelle,Kurz,Zweck,Stelle\r\n", encoding="utf-8")
    page.get_by_label("Datei (CSV, XLSX oder JSON)").set_input_files(str(good))
    page.get_by_role("button", name="Probe anzeigen").click()
    expect(page.get_by_text("wird angelegt")).to_be_visible()
    assert_accessible(page, "import-dry-run")
    page.get_by_role("button", name="Eine Zeile importieren").click()
    page.wait_for_url("**/arbeitsbereich/")
    assert UseCase.objects.filter(title="Aus der Tabelle").exists()


def test_open_data_page_with_the_standards_is_accessible(page, live_server, use_case):
    publish_use_case(use_case, actor=None, reason="freigegeben")
    page.goto(f"{live_server.url}/daten/")
    expect(
        page.get_by_role("link", name="Eurocities-Transparenzstandard 0.3.1 (JSON)")
    ).to_be_visible()
    for name, width in WIDTHS.items():
        assert_fits(page, width)
        assert_accessible(page, f"open-data-standards-{name}")


def test_adopt_a_use_case_and_see_the_provenance_on_both_public_pages(
    page,
    live_server,
    idp,
    use_case,
    foreign_department_head,
    foreign_department,
    foreign_board_member,
):
    publish_use_case(use_case, actor=None, reason="freigegeben")
    log_in(
        page,
        live_server,
        idp,
        foreign_department_head,
        next_path=f"/anwendungsfaelle/{use_case.pk}/",
    )
    page.get_by_role("link", name="Für die eigene Kommune nachnutzen").click()
    for name, width in WIDTHS.items():
        assert_fits(page, width)
        assert_accessible(page, f"adopt-{name}")
    page.get_by_role("button", name="Als Entwurf übernehmen").click()
    page.wait_for_url(re.compile(r"/arbeitsbereich/\d+/$"))
    adopted = UseCase.objects.get(adopted_from=use_case)
    # The board of the adopting organisation approves it; here its publication stands for that.
    publish_use_case(adopted, actor=foreign_board_member, reason="freigegeben")
    page.goto(f"{live_server.url}/anwendungsfaelle/{adopted.pk}/")
    expect(page.locator("#herkunft")).to_contain_text("Nachgenutzt von Stadt Lindenfeld")
    for name, width in WIDTHS.items():
        assert_fits(page, width)
        assert_accessible(page, f"adopted-public-{name}")
    page.locator("#herkunft").get_by_role("link").click()
    expect(page.locator("#nachnutzung")).to_have_text(
        "Wird auch genutzt von einer weiteren Kommune.", use_inner_text=True
    )
    for name, width in WIDTHS.items():
        assert_fits(page, width)
        assert_accessible(page, f"source-public-{name}")


def test_adopt_then_the_source_changes_then_the_notice_then_take_over_one_field(
    page,
    live_server,
    idp,
    use_case,
    board_member,
    foreign_department_head,
    foreign_department,
):
    from governance import services as governance_services

    publish_use_case(use_case, actor=None, reason="freigegeben")
    log_in(
        page,
        live_server,
        idp,
        foreign_department_head,
        next_path=f"/anwendungsfaelle/{use_case.pk}/",
    )
    page.get_by_role("link", name="Für die eigene Kommune nachnutzen").click()
    page.get_by_role("button", name="Als Entwurf übernehmen").click()
    page.wait_for_url(re.compile(r"/arbeitsbereich/\d+/$"))
    adopted = UseCase.objects.get(adopted_from=use_case)
    # Lindenfeld revises its entry and publishes it again.
    governance_services.change_use_case(
        use_case,
        actor=board_member,
        reason="überarbeitet",
        benefit="Bescheide in zwei statt zehn Tagen",
        proportionality="Neu abgewogen",
    )
    publish_use_case(use_case, actor=board_member, reason="erneut freigegeben")
    page.goto(f"{live_server.url}/arbeitsbereich/")
    notice = page.get_by_role("link", name=f"„{adopted.title}“ (Vorlage von Stadt Lindenfeld)")
    notice.click()
    expect(page.get_by_text("Bescheide in zwei statt zehn Tagen")).to_be_visible()
    for name, width in WIDTHS.items():
        assert_fits(page, width)
        assert_accessible(page, f"source-changes-{name}")
    page.get_by_label("„Nutzen“ übernehmen").check()
    page.get_by_role("button", name="Gewählte Änderungen übernehmen").click()
    page.wait_for_url(re.compile(rf"/arbeitsbereich/{adopted.pk}/$"))
    adopted.refresh_from_db()
    assert adopted.benefit == "Bescheide in zwei statt zehn Tagen"
    assert adopted.proportionality != "Neu abgewogen"
    page.goto(f"{live_server.url}/arbeitsbereich/")
    expect(page.get_by_text("Vorlage von Stadt Lindenfeld")).to_have_count(0)


def test_big_import_progress_and_planned_pages_are_accessible(
    page, live_server, idp, department_head, department
):
    from interop.models import ImportJob

    running = ImportJob.objects.create(
        requested_by=department_head,
        file_name="gross.csv",
        total_rows=400,
        status=ImportJob.Status.PLANNING,
    )
    planned = ImportJob.objects.create(
        requested_by=department_head,
        file_name="gross-mit-fehlern.csv",
        total_rows=2,
        status=ImportJob.Status.PLANNED,
        plan=[
            {
                "number": 2,
                "title": "Wohngeld-Check mit einem recht langen Namen",
                "action": "create",
                "use_case_id": None,
                "changes": [],
                "errors": [],
            },
            {
                "number": 3,
                "title": "",
                "action": "create",
                "use_case_id": None,
                "changes": [],
                "errors": [["Bezeichnung", "Dieses Feld darf nicht leer sein."]],
            },
        ],
    )
    log_in(
        page,
        live_server,
        idp,
        department_head,
        next_path=f"/arbeitsbereich/import/auftraege/{running.pk}/",
    )
    expect(page.get_by_role("link", name="Stand aktualisieren")).to_be_visible()
    for name, width in WIDTHS.items():
        assert_fits(page, width)
        assert_accessible(page, f"import-job-running-{name}")
    page.goto(f"{live_server.url}/arbeitsbereich/import/auftraege/{planned.pk}/")
    expect(page.locator("[role=alert]").first).to_contain_text("Zeile 3, Spalte „Bezeichnung“")
    for name, width in WIDTHS.items():
        assert_fits(page, width)
        assert_accessible(page, f"import-job-planned-{name}")
