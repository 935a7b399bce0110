"""The published outcomes as CSV: the JSON document's records, under German headers, safe in a
spreadsheet, and only what the board made public of published use cases."""

import csv
import io

import pytest

from portfolio import services
from portfolio.opendata import CSV_COLUMNS, measurement_record
from portfolio.selectors import public_measurements
from tests.portfolio.conftest import measure

pytestmark = pytest.mark.django_db


def _rows(client):
    response = client.get("/daten/wirkung.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def published(running, board_member, other_department_use_case, other_department_head):
    measure(running, board_member, "processing_time", "baseline", 210, "30")
    measure(running, board_member, "processing_time", "follow_up", 10, "21,5")
    # Withheld: the board did not make staff hours public.
    measure(running, board_member, "staff_hours", "baseline", 210, "400")
    # Unpublished: a draft's value of a public indicator.
    measure(other_department_use_case, board_member, "processing_time", "baseline", 210, "99")
    services.set_indicator_publication(
        running.organisation, "processing_time", actor=board_member, is_public=True, reason="Rat"
    )
    return running


def test_the_csv_has_german_headers_and_the_json_records(client, published):
    header, *rows = _rows(client)
    assert header[:3] == ["Schemaversion", "Messwert-Nr.", "Organisation (Kürzel)"]
    assert "Zeitraum von" in header and "Quelle" in header
    document = client.get("/daten/wirkung.json").json()["measurements"]
    # One truth: each row is the JSON record's values in the CSV's column order.
    assert rows == [[str(record[key]) for key, _h in CSV_COLUMNS] for record in document]
    values = {(row[header.index("Phase")], row[header.index("Wert")]) for row in rows}
    assert values == {("baseline", "30.00"), ("follow_up", "21.50")}


def test_withheld_indicators_and_unpublished_use_cases_are_not_in_the_csv(client, published):
    _header, *rows = _rows(client)
    assert {row[4] for row in rows} == {str(published.pk)}
    assert all("400" not in row and "99.00" not in row for row in rows)


def test_a_cell_a_spreadsheet_would_run_as_formula_is_quoted(client, published, board_member):
    formula = '=HYPERLINK("https://evil.example","Klick")'
    measurement = measure(published, board_member, "processing_time", "follow_up", 50, "25")
    services.correct_measurement(
        measurement, actor=board_member, value="25", source=formula, reason="Quelle ergänzt"
    )
    header, *rows = _rows(client)
    sources = [row[header.index("Quelle")] for row in rows]
    assert f"'{formula}" in sources and formula not in sources


def test_the_columns_are_the_records_fields(published):
    record = measurement_record(public_measurements().first(), "https://x.example/")
    # A field added to the record without a column (or the reverse) fails here.
    assert [key for key, _h in CSV_COLUMNS] == list(record)


def test_the_csv_needs_as_many_queries_for_many_rows_as_for_one(
    client, running, board_member, django_assert_num_queries
):
    services.set_indicator_publication(
        running.organisation, "processing_time", actor=board_member, is_public=True, reason="Rat"
    )
    measure(running, board_member, "processing_time", "baseline", 210, "30")
    with django_assert_num_queries(1):
        assert len(_rows(client)) == 2
    for days in (100, 60, 30, 10):
        measure(running, board_member, "processing_time", "follow_up", days, "20")
    with django_assert_num_queries(1):
        assert len(_rows(client)) == 6


def test_the_open_data_page_links_the_csv(client):
    page = client.get("/daten/").content.decode()
    assert 'href="/daten/wirkung.csv"' in page
