"""CSV, JSON (schema v1) and the Atom feed of the published register."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import jsonschema
from django.http import StreamingHttpResponse

from accounts import services as account_services
from accounts.models import Organisation
from registry import services
from registry.public.opendata import CSV_COLUMNS
from registry.publication import withdraw_use_case
from tests.public.conftest import change

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (the test server's own feed, not untrusted input)


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def read_json(response):
    assert isinstance(response, StreamingHttpResponse)
    return json.loads(b"".join(response.streaming_content))


def test_csv_has_stable_columns_ids_and_absolute_urls(client, published):
    response = client.get("/daten/register.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == str(published.use_case_id)
    assert row["url"] == f"http://testserver/anwendungsfaelle/{published.use_case_id}/"
    assert row["organisation_ags"] == "05999001"
    assert row["title"] == "Wohngeld-Vorprüfung"


def test_a_provider_without_an_ags_is_published_with_ags_null(client, published, organisation):
    account_services.update_organisation(
        organisation,
        actor=None,
        reason="Zweckverband",
        kind=Organisation.Kind.IT_SERVICE_PROVIDER,
        ags="",
    )
    assert read_csv(client.get("/daten/register.csv"))[0]["organisation_ags"] == ""
    document = read_json(client.get("/daten/register.json"))
    jsonschema.validate(
        document,
        client.get("/daten/schema/v1.json").json(),
        format_checker=jsonschema.FormatChecker(),
    )
    assert document["use_cases"][0]["organisation"]["ags"] is None
    page = client.get("/organisationen/lindenfeld/").content.decode()
    assert "Amtlicher Gemeindeschlüssel" not in page
    assert "None" not in page


def test_csv_of_an_organisation_holds_only_its_entries(
    client, published, foreign_use_case, publish
):
    publish(foreign_use_case)
    rows = read_csv(client.get("/organisationen/birkenau/daten/register.csv"))
    assert [r["title"] for r in rows] == ["Bürgergeld-Vorprüfung"]


def test_downloads_honour_the_search_filters(client, published, foreign_use_case, publish):
    publish(foreign_use_case)
    rows = read_csv(client.get("/daten/register.csv", {"q": "Bürgergeld"}))
    assert [r["title"] for r in rows] == ["Bürgergeld-Vorprüfung"]
    assert client.get("/daten/register.json", {"risiko": "x"}).status_code == 400


def test_json_validates_against_the_published_schema(client, use_case, board_member, publish):
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="x",
        key="withheld_fields",
        rows=[{"field": "ai_system", "reason": "Sicherheit"}],
    )
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="x",
        key="public_services",
        rows=[{"leika_key": "99050012000000", "name": "Wohngeld"}],
    )
    publish(use_case)
    document = read_json(client.get("/daten/register.json"))
    schema = client.get("/daten/schema/v1.json").json()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    entry = document["use_cases"][0]
    assert entry["id"] == use_case.pk
    assert entry["url"] == f"http://testserver/anwendungsfaelle/{use_case.pk}/"
    assert entry["ai_system"]["technique"] is None
    assert entry["withheld"] == [{"group": "ai_system", "reason": "Sicherheit"}]
    assert document["schema"] == "http://testserver/daten/schema/v1.json"


def test_json_of_an_empty_register_is_valid(client, db):
    document = read_json(client.get("/daten/register.json"))
    assert document["use_cases"] == []


def test_downloads_run_a_constant_number_of_queries(
    client, publish_many, django_assert_max_num_queries
):
    publish_many(1)
    with django_assert_max_num_queries(6):
        read_csv(client.get("/daten/register.csv"))
    publish_many(49)
    with django_assert_max_num_queries(6):
        assert len(read_csv(client.get("/daten/register.csv"))) == 50
    with django_assert_max_num_queries(6):
        assert len(read_json(client.get("/daten/register.json"))["use_cases"]) == 50


def test_atom_feed_lists_publications_changes_and_withdrawals(
    client, published, use_case, board_member, publish
):
    change(use_case, board_member, purpose="Neuer Zweck.")
    publish(use_case)
    withdraw_use_case(use_case, actor=board_member, reason="intern")
    response = client.get("/daten/aenderungen.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_feed(response.content)
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == [
        "Wohngeld-Vorprüfung – zurückgezogen",
        "Wohngeld-Vorprüfung – geändert",
        "Wohngeld-Vorprüfung – veröffentlicht",
    ]
    assert "Zweck" in feed.findall(f"{ATOM}entry")[1].find(f"{ATOM}summary").text


def test_atom_feed_of_an_organisation_holds_only_its_changes(
    client, published, foreign_use_case, publish
):
    publish(foreign_use_case)
    feed = parse_feed(client.get("/organisationen/birkenau/daten/aenderungen.atom").content)
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Bürgergeld-Vorprüfung – veröffentlicht"]


def test_atom_feed_query_count_does_not_grow_with_entries(
    client, publish_many, django_assert_max_num_queries
):
    publish_many(1)
    with django_assert_max_num_queries(3):
        client.get("/daten/aenderungen.atom")
    publish_many(49)
    with django_assert_max_num_queries(3):
        response = client.get("/daten/aenderungen.atom")
    assert len(parse_feed(response.content).findall(f"{ATOM}entry")) == 50
