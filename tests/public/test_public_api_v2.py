"""/api/v2/public/use-cases/: each record is the open data's record, the entry download's."""

import jsonschema
import pytest

from registry import services
from registry.models import UseCase, WithheldField
from registry.public.opendata import record_definitions
from registry.publication import withdraw_use_case
from tests.conftest import make_use_case
from tests.public.conftest import change

pytestmark = pytest.mark.django_db

URL = "/api/v2/public/use-cases/"


def withhold(use_case, actor, *groups):
    services.set_use_case_children(
        use_case,
        actor=actor,
        reason="zurückhalten",
        key="withheld_fields",
        rows=[{"field": group, "reason": "Schutz der IT-Sicherheit"} for group in groups],
    )


def entry_json(client, use_case_id, language="de"):
    client.cookies["django_language"] = language
    response = client.get(f"/anwendungsfaelle/{use_case_id}/eintrag.json")
    assert response.status_code == 200
    return response.json()


def test_the_api_record_is_the_entry_downloads_record_with_a_withheld_group(
    client, use_case, ai_system, board_member, publish
):
    change(use_case, board_member, ai_system=ai_system)
    withhold(use_case, board_member, "ai_system")
    publish(use_case)
    record = client.get(f"{URL}{use_case.pk}/").json()
    assert record == entry_json(client, use_case.pk)
    assert record["url"] == f"http://testserver/anwendungsfaelle/{use_case.pk}/"
    assert record["withheld"] == [{"group": "ai_system", "reason": "Schutz der IT-Sicherheit"}]
    # The withheld group's fields are there, and null: "Verwaltungs-LLM" is not.
    assert record["ai_system"]["name"] is None and record["ai_system"]["technique"] is None
    assert client.get(URL).json()["results"] == [record]


def test_an_english_record_in_english_is_the_same_as_the_english_download(
    client, department_head, department, publish
):
    record = publish(
        make_use_case(
            department_head,
            department,
            "Housing benefit pre-check",
            short_description="Checks applications for completeness.",
            purpose="Shorter waiting times.",
        )
    )
    api = client.get(f"{URL}{record.use_case_id}/", headers={"accept-language": "en"})
    assert api["Content-Language"] == "en"
    assert api.json() == entry_json(client, record.use_case_id, language="en")
    assert api.json()["title"] == "Housing benefit pre-check"


def test_a_record_keeps_the_open_data_schema_of_a_record(
    client, use_case, ai_system, board_member, publish
):
    change(use_case, board_member, ai_system=ai_system)
    # Every group withheld: the schema allows null wherever a withheld field is null.
    withhold(use_case, board_member, *(code for code, _label in WithheldField.Field.choices))
    publish(use_case)
    schema = {"$defs": record_definitions(), "$ref": "#/$defs/use_case"}
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    (record,) = client.get(URL).json()["results"]
    assert record["purpose"] is None and record["oversight"]["mode"] is None
    assert list(validator.iter_errors(record)) == []


def test_the_list_pages_by_cursor_in_title_order(client, publish_many):
    publish_many(3)
    first = client.get(URL, {"page_size": 2}).json()
    assert [r["title"] for r in first["results"]] == ["Anwendungsfall 000", "Anwendungsfall 001"]
    rest = client.get(first["next"]).json()
    assert [r["title"] for r in rest["results"]] == ["Anwendungsfall 002"]
    assert rest["next"] is None


def test_the_list_takes_v1s_filters_and_search(
    client, published, department_head, department, publish
):
    planned = publish(
        make_use_case(
            department_head,
            department,
            "Kfz-Zulassung",
            purpose="Termine vergeben",
            status=UseCase.Status.PLANNED,
        )
    )

    def titles(**query):
        response = client.get(URL, query)
        assert response.status_code == 200, response.json()
        return [record["title"] for record in response.json()["results"]]

    assert titles(status="planned") == [planned.title]
    assert titles(search="Termine") == [planned.title]
    assert titles(search="Kfz Zulassung") == [planned.title]
    assert titles(organisation="lindenfeld", ordering="-title") == [published.title, planned.title]
    assert titles(ags="05999001", status="planned") == [planned.title]
    assert titles(organisation="nirgendwo") == []


def test_an_unknown_filter_value_is_a_400_naming_the_filter(client, published):
    response = client.get(URL, {"status": "erfunden"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {"status"}
    assert client.get(URL, {"ordering": "vendor"}).status_code == 400


def test_the_change_log_is_v1s(client, published, use_case, board_member, publish):
    change(use_case, board_member, title="Wohngeld-Assistent")
    publish(use_case)
    log = client.get(f"{URL}{use_case.pk}/changes/").json()
    assert log == client.get(f"/api/v1/public/use-cases/{use_case.pk}/changes/").json()
    assert [entry["change_type"] for entry in log] == ["changed", "published"]


def test_unpublished_missing_and_withdrawn_records_are_404(
    client, published, use_case, board_member, foreign_use_case
):
    for path in ("", "changes/"):
        assert client.get(f"{URL}{foreign_use_case.pk}/{path}").status_code == 404
        assert client.get(f"{URL}999999/{path}").status_code == 404
    withdraw_use_case(use_case, actor=board_member, reason="eingestellt")
    for path in ("", "changes/"):
        response = client.get(f"{URL}{use_case.pk}/{path}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert client.get(URL).json()["results"] == []


def test_an_unknown_address_under_v2_is_a_problem_document(client):
    response = client.get("/api/v2/use-cases/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_v2_answers_304_until_the_register_changes_and_is_not_deprecated(
    client, published, use_case, board_member, publish
):
    first = client.get(f"{URL}{use_case.pk}/")
    assert "Deprecation" not in first and "Sunset" not in first
    assert (
        client.get(f"{URL}{use_case.pk}/", headers={"if-none-match": first["ETag"]}).status_code
        == 304
    )
    change(use_case, board_member, title="Neuer Titel")
    publish(use_case)
    again = client.get(f"{URL}{use_case.pk}/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and again.json()["title"] == "Neuer Titel"


def test_fields_narrows_the_record_to_the_named_properties_in_their_order(client, published):
    uc = published.use_case_id
    record = client.get(f"/api/v2/public/use-cases/{uc}/", {"fields": "title, id,,url"}).json()
    assert list(record) == ["title", "id", "url"]
    assert record["id"] == uc and record["url"].endswith(f"/{uc}/")
    page = client.get("/api/v2/public/use-cases/", {"fields": "id,organisation"}).json()
    assert page["results"] and all(list(r) == ["id", "organisation"] for r in page["results"])
    # Nothing named: the whole record, as without the parameter.
    full = client.get(f"/api/v2/public/use-cases/{uc}/").json()
    assert client.get(f"/api/v2/public/use-cases/{uc}/", {"fields": ","}).json() == full


def test_an_unknown_field_is_a_400_naming_it_and_a_narrowed_page_is_not_served_whole(
    client, published
):
    uc = published.use_case_id
    response = client.get(f"/api/v2/public/use-cases/{uc}/", {"fields": "id,passwort"})
    assert response.status_code == 400
    assert "passwort" in str(response.json()["errors"]["fields"])
    # The cache keeps each address's answer: the narrowed one does not stand in for the full.
    client.get(f"/api/v2/public/use-cases/{uc}/", {"fields": "id"})
    assert "title" in client.get(f"/api/v2/public/use-cases/{uc}/").json()


def test_the_schema_offers_the_records_properties_for_fields(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    for path in ("/api/v2/public/use-cases/", "/api/v2/public/use-cases/{id}/"):
        (fields,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == "fields"]
        assert set(fields["schema"]["items"]["enum"]) == {
            *record_definitions()["use_case"]["properties"],
            "",
        }
