"""Another register's published records as drafts: this register's own JSON export and the NL
Algoritmeregister 1.0, with the spreadsheet's dry run, all or nothing, errors by record and
field."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interop import imports
from interop.exports import FORMATS
from interop.exports.base import ExportContext
from registry.models import UseCase


def own_export(client, slug: str) -> bytes:
    response = client.get(reverse("registry:organisation_register_json", args=[slug]))
    return b"".join(response.streaming_content)


def nl_export(organisation=None) -> bytes:
    context = ExportContext(site_url="https://andere.example.nl", organisation=organisation)
    return "".join(FORMATS["nl-algoritmeregister-1.0"].write(context)).encode()


def test_own_export_of_another_organisation_becomes_drafts_in_the_chosen_department(
    client, published_register, department_head, department
):
    rows = imports.read_json(own_export(client, "birkenau"), department_name=department.name)
    plan = imports.plan_import(department_head, "birkenau.json", rows)
    assert plan.ok, plan.errors
    assert [row.action for row in plan.rows] == ["create"]
    before = UseCase.objects.count()
    imports.apply_import(department_head, "birkenau.json", rows)
    assert UseCase.objects.count() == before + 1
    draft = UseCase.objects.latest("pk")
    assert draft.title == "Kreis-Posteingang"
    assert draft.organisation == department.organisation
    assert draft.workflow_state == UseCase.WorkflowState.DRAFT
    record = draft.history.latest()
    assert record.history_user == department_head
    assert record.history_change_reason == "Import aus „birkenau.json“, Eintrag 1"


def test_nl_records_map_status_category_and_months(published_register, department_head, department):
    rows = imports.read_json(
        nl_export(), department_name=department.name, responsible_role="Digitalisierung"
    )
    plan = imports.plan_import(department_head, "nl.json", rows)
    assert plan.ok, plan.errors
    applied = imports.apply_import(department_head, "nl.json", rows)
    imported = UseCase.objects.filter(pk__in=[row.use_case_id for row in applied.rows])
    assert imported.count() == 3
    full = imported.get(title="Wohngeld-Vorprüfung")
    assert full.status == UseCase.Status.IN_OPERATION
    assert full.policy_area == UseCase.PolicyArea.SOCIAL_SECURITY
    assert full.start_date.isoformat() == "2025-03-01"
    # The NL standard names no responsible role: the one given in the form fills the gap.
    assert full.responsible_role == "Digitalisierung"


def test_dry_run_names_every_bad_record_by_field_and_writes_nothing(
    published_register, department_head, department
):
    records = json.loads(nl_export())
    records[0]["status"] = "Onbekend"
    records[1]["name"] = 42
    records[2]["category"] = ["Ruimtevaart"]
    before = UseCase.objects.count()
    rows = imports.read_json(
        json.dumps(records).encode(), department_name=department.name, responsible_role="Stelle"
    )
    plan = imports.plan_import(department_head, "nl.json", rows)
    assert {(number, column) for number, column, _message in plan.errors} == {
        (1, "status"),
        (2, "name"),
        (3, "category"),
    }
    assert ("2", "name", "Erwartet wird ein Text.") in {(str(n), c, m) for n, c, m in plan.errors}
    with pytest.raises(imports.ImportRefused):
        imports.apply_import(department_head, "nl.json", rows)
    assert UseCase.objects.count() == before


def test_records_without_a_responsible_role_are_errors_of_that_field(
    published_register, department_head, department
):
    plan = imports.plan_import(
        department_head,
        "nl.json",
        imports.read_json(nl_export(), department_name=department.name),
    )
    assert {column for _number, column, _message in plan.errors} == {
        "fachlich verantwortliche Stelle"
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{nicht json", "kein gültiges JSON"),
        (b'{"version": "2.0", "use_cases": []}', "weder ein JSON-Export"),
        (b'[{"titel": "x"}]', "weder ein JSON-Export"),
        (b"[]", "keine Einträge"),
        (b"[" * 50 + b"]" * 50, "kein gültiges JSON"),
        (b"\xff\xfe", "kein gültiges JSON"),
    ],
)
def test_unreadable_json_is_refused_as_a_whole_in_german(content, message):
    with pytest.raises(imports.ImportFileError, match=message):
        imports.read_json(content, department_name="Sozialamt")


def test_json_over_the_size_limit_is_refused():
    with pytest.raises(imports.ImportFileError, match="5 MB"):
        imports.read_json(b" " * (imports.MAX_BYTES + 1), department_name="Sozialamt")


def test_import_page_takes_json_with_a_department_then_applies(
    client, published_register, department_head, department
):
    content = own_export(client, "birkenau")
    client.force_login(department_head)
    upload = SimpleUploadedFile("birkenau.json", content, "application/json")
    response = client.post(reverse("interop:import"), {"file": upload, "department": department.pk})
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "Was jeder Eintrag bewirken würde" in page
    before = UseCase.objects.count()
    response = client.post(reverse("interop:import"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert UseCase.objects.count() == before + 1


def test_import_page_asks_for_the_department_of_a_json_file(
    client, published_register, department_head
):
    client.force_login(department_head)
    upload = SimpleUploadedFile("x.json", b"[]", "application/json")
    response = client.post(reverse("interop:import"), {"file": upload})
    assert response.status_code == 400
    assert "Bitte wählen Sie den Fachbereich" in response.content.decode()


def test_a_department_the_person_may_not_use_is_refused(
    client, published_register, department_head, foreign_department
):
    client.force_login(department_head)
    upload = SimpleUploadedFile("x.json", nl_export(), "application/json")
    response = client.post(
        reverse("interop:import"), {"file": upload, "department": foreign_department.pk}
    )
    assert response.status_code == 400
    assert UseCase.objects.filter(department=foreign_department).count() == 1
