"""The spreadsheet import: a dry run that names every error by row and column and changes
nothing, then all rows or none, through the services, with the file's name in the reason."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from interop import imports
from registry.models import UseCase

HEADER = (
    "ID,Fachbereich,Bezeichnung,Kurzbeschreibung,Zweck,fachlich verantwortliche Stelle,"
    "Status,Beginn\r\n"
)
GOOD = (
    ",Sozialamt,Wohngeld-Check,Prüft Anträge,Schneller,Sachgebiet Wohngeld,Pilotbetrieb,2026-01-01"
)


def csv_file(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\r\n" for row in rows)).encode()


def test_dry_run_reports_every_bad_row_by_column_and_writes_nothing(department_head, department):
    content = csv_file(
        GOOD,
        ",Sozialamt,,Ohne Titel,Zweck,Stelle,idea,",
        ",Bauamt,Baugenehmigung,Kurz,Zweck,Stelle,idea,",
        ",Sozialamt,Datum falsch,Kurz,Zweck,Stelle,Unbekannt,morgen",
    )
    plan = imports.plan_import(
        department_head, "liste.csv", imports.read_rows("liste.csv", content)
    )
    assert [row.action for row in plan.rows if not row.errors] == ["create"]
    errors = {(number, column) for number, column, _message in plan.errors}
    assert (3, "Bezeichnung") in errors
    assert (4, "Fachbereich") in errors
    assert (5, "Status") in errors
    assert (5, "Beginn") in errors
    assert not plan.ok
    assert UseCase.objects.count() == 0


def test_apply_imports_all_rows_through_the_services_with_the_file_name(
    department_head, department
):
    content = csv_file(
        GOOD,
        ",sozialamt,Posteingang,Sortiert Post,Entlastung,Poststelle,idea,",
    )
    imports.apply_import(department_head, "liste.csv", imports.read_rows("liste.csv", content))
    created = UseCase.objects.get(title="Wohngeld-Check")
    assert created.status == UseCase.Status.PILOT
    assert created.workflow_state == UseCase.WorkflowState.DRAFT
    record = created.history.latest()
    assert record.history_user == department_head
    assert record.history_change_reason == "Import aus „liste.csv“, Zeile 2"
    assert UseCase.objects.count() == 2


def test_one_bad_row_imports_nothing(department_head, department):
    content = csv_file(
        ",Sozialamt,Gut,Kurz,Zweck,Stelle,idea,",
        ",Sozialamt,,Kurz,Zweck,Stelle,idea,",
    )
    with pytest.raises(imports.ImportRefused):
        imports.apply_import(department_head, "x.csv", imports.read_rows("x.csv", content))
    assert UseCase.objects.count() == 0


def test_a_row_with_an_id_changes_that_use_case_and_the_dry_run_shows_the_difference(
    department_head, use_case
):
    content = csv_file(f"{use_case.pk},,Neuer Titel,,,,,")
    rows = imports.read_rows("x.csv", content)
    plan = imports.plan_import(department_head, "x.csv", rows)
    assert plan.rows[0].action == "change"
    assert ("Bezeichnung", "Wohngeld-Vorprüfung", "Neuer Titel") in plan.rows[0].changes
    use_case.refresh_from_db()
    assert use_case.title == "Wohngeld-Vorprüfung"


def test_someone_elses_use_case_id_is_an_error_not_a_change(
    foreign_department_head, use_case, foreign_department
):
    content = csv_file(f"{use_case.pk},,Übernommen,,,,,")
    plan = imports.plan_import(
        foreign_department_head, "x.csv", imports.read_rows("x.csv", content)
    )
    assert plan.errors == [(2, "ID", "Kein Anwendungsfall mit dieser ID, den Sie ändern dürfen.")]


def test_xlsx_is_read_like_csv(department_head, department):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Fachbereich",
            "Bezeichnung",
            "Kurzbeschreibung",
            "Zweck",
            "fachlich verantwortliche Stelle",
        ]
    )
    sheet.append(["Sozialamt", "Aus Excel", "Kurz", "Zweck", "Stelle"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = imports.read_rows("liste.xlsx", buffer.getvalue())
    assert imports.plan_import(department_head, "liste.xlsx", rows).ok


def test_unknown_columns_and_formats_are_refused_with_a_german_message():
    with pytest.raises(imports.ImportFileError, match="Unbekannte Spalten: Farbe"):
        imports.read_rows("x.csv", b"Fachbereich,Farbe\r\nSozialamt,rot\r\n")
    with pytest.raises(imports.ImportFileError, match="CSV- oder XLSX"):
        imports.read_rows("x.pdf", b"%PDF")


def test_import_page_dry_run_then_apply(client, department_head, department):
    client.force_login(department_head)
    upload = SimpleUploadedFile(
        "liste.csv", csv_file(",Sozialamt,Web-Import,Kurz,Zweck,Stelle,idea,"), "text/csv"
    )
    response = client.post(reverse("interop:import"), {"file": upload})
    assert response.status_code == 200
    assert "wird angelegt" in response.content.decode()
    assert UseCase.objects.count() == 0
    token = response.context["token"]
    response = client.post(reverse("interop:import"), {"token": token})
    assert response.status_code == 302
    assert UseCase.objects.filter(title="Web-Import").exists()


def test_import_page_shows_errors_and_offers_no_apply(client, department_head, department):
    client.force_login(department_head)
    upload = SimpleUploadedFile("liste.csv", csv_file(",Sozialamt,,Kurz,Zweck,Stelle,idea,"))
    response = client.post(reverse("interop:import"), {"file": upload})
    assert response.status_code == 400
    assert "Zeile 2, Spalte „Bezeichnung“" in response.content.decode()
    assert 'name="token"' not in response.content.decode()


def test_template_downloads_have_the_german_headers(client, department_head):
    client.force_login(department_head)
    csv_text = client.get(reverse("interop:import_template_csv")).content.decode()
    assert csv_text.startswith("ID,Fachbereich,Bezeichnung,Kurzbeschreibung,Zweck")
    xlsx = client.get(reverse("interop:import_template_xlsx")).content
    header = next(load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
    assert list(header) == imports.headers()


def test_people_who_may_not_register_use_cases_get_404(client, dpo, outsider):
    for person in (dpo, outsider):
        client.force_login(person)
        assert client.get(reverse("interop:import")).status_code == 404
        assert client.get(reverse("interop:import_template_csv")).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("interop:import"))
    assert response.status_code == 302


def title_only(pk: int, title: str) -> bytes:
    """A row that changes only the title of an existing use case (other columns absent)."""
    return f"ID,Fachbereich,Bezeichnung\r\n{pk},,{title}\r\n".encode()


def test_a_use_case_changed_after_the_dry_run_refuses_the_import(
    client, department_head, board_member, use_case
):
    from governance import services as governance_services

    client.force_login(department_head)
    upload = SimpleUploadedFile("liste.csv", title_only(use_case.pk, "Neuer Titel"))
    response = client.post(reverse("interop:import"), {"file": upload})
    assert "ändert Nr." in response.content.decode()
    token = response.context["token"]
    # Someone else changes the use case between the dry run and the confirmation.
    governance_services.change_use_case(
        use_case, actor=board_member, reason="korrigiert", purpose="Ein anderer Zweck"
    )
    response = client.post(reverse("interop:import"), {"token": token})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Zeile 2, Spalte „ID“: Seit der Probe hat" in page
    assert str(board_member) in page
    use_case.refresh_from_db()
    assert (use_case.title, use_case.purpose) == ("Wohngeld-Vorprüfung", "Ein anderer Zweck")


def test_the_import_applies_when_nothing_changed_since_the_dry_run(department_head, use_case):
    rows = imports.read_rows("x.csv", title_only(use_case.pk, "Neuer Titel"))
    seen = imports.seen_versions(imports.plan_import(department_head, "x.csv", rows))
    imports.apply_import(department_head, "x.csv", rows, seen=seen)
    use_case.refresh_from_db()
    assert use_case.title == "Neuer Titel"
