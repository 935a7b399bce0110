"""One entry as JSON (its element of the register's JSON) and as CSV (header and its row)."""

import csv
import io
import json

import pytest

from registry.publication import withdraw_use_case
from tests.conftest import make_use_case
from tests.public.conftest import change

pytestmark = pytest.mark.django_db


def register_json(client):
    return json.loads(b"".join(client.get("/daten/register.json").streaming_content))


def test_the_entry_json_is_its_element_of_the_register_json(client, published):
    response = client.get(f"/anwendungsfaelle/{published.use_case_id}/eintrag.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == register_json(client)["use_cases"][0]


def test_the_entry_csv_is_the_register_header_and_its_row(client, published, publish_many):
    publish_many(2)
    response = client.get(f"/anwendungsfaelle/{published.use_case_id}/eintrag.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ki-register-' in response["Content-Disposition"]
    register = b"".join(client.get("/daten/register.csv").streaming_content).decode()
    header, *rows = register.splitlines(keepends=True)
    (row,) = [r for r in rows if r.startswith(f"{published.use_case_id},")]
    assert response.content.decode() == header + row


def test_the_entry_csv_defuses_formulas(client, department_head, department, publish):
    formula = '=HYPERLINK("https://evil.example","x")'
    record = publish(make_use_case(department_head, department, formula, purpose=formula))
    body = client.get(f"/anwendungsfaelle/{record.use_case_id}/eintrag.csv").content.decode()
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["title"] == row["purpose"] == "'" + formula


def test_entry_downloads_of_missing_or_withdrawn_entries_are_404(
    client, published, use_case, board_member, foreign_use_case
):
    for fmt in ("csv", "json"):
        unpublished = f"/anwendungsfaelle/{foreign_use_case.pk}/eintrag.{fmt}"
        assert client.get(unpublished).status_code == 404
        assert client.get(f"/anwendungsfaelle/999999/eintrag.{fmt}").status_code == 404
    withdraw_use_case(use_case, actor=board_member, reason="eingestellt")
    for fmt in ("csv", "json"):
        assert client.get(f"/anwendungsfaelle/{use_case.pk}/eintrag.{fmt}").status_code == 404


def test_entry_downloads_answer_304_until_the_entry_changes(
    client, published, use_case, board_member, publish
):
    for fmt in ("csv", "json"):
        url = f"/anwendungsfaelle/{use_case.pk}/eintrag.{fmt}"
        first = client.get(url)
        assert "public" in first["Cache-Control"] and first["Last-Modified"]
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    change(use_case, board_member, title="Neuer Titel")
    publish(use_case)
    url = f"/anwendungsfaelle/{use_case.pk}/eintrag.json"
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and again.json()["title"] == "Neuer Titel"


def test_the_entry_page_links_its_downloads(client, published):
    html = client.get(f"/anwendungsfaelle/{published.use_case_id}/").content.decode()
    assert f'href="/anwendungsfaelle/{published.use_case_id}/eintrag.csv"' in html
    assert f'href="/anwendungsfaelle/{published.use_case_id}/eintrag.json"' in html


def test_an_entry_download_runs_a_constant_number_of_queries(
    client, published, django_assert_max_num_queries
):
    # The version, then the record with its organisation.
    with django_assert_max_num_queries(2):
        client.get(f"/anwendungsfaelle/{published.use_case_id}/eintrag.json")
