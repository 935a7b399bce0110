"""The open data page: licence, last change and size of each file, and the API's documentation."""

import json

import pytest
from django.utils import formats

from config.checks import check_open_data_licence

pytestmark = pytest.mark.django_db


def page(client):
    return client.get("/daten/").content.decode()


def test_the_page_and_the_json_name_the_default_licence_the_entries_default_to(client, published):
    html = page(client)
    assert "Datenlizenz Deutschland – Namensnennung – 2.0" in html
    assert "wenn Sie die Quelle nennen" in html
    assert 'href="https://www.govdata.de/dl-de/by-2-0"' in html
    document = json.loads(b"".join(client.get("/daten/register.json").streaming_content))
    assert document["licence"] == {
        "id": "dl-by-de/2.0",
        "name": "Datenlizenz Deutschland – Namensnennung – 2.0",
        "url": "https://www.govdata.de/dl-de/by-2-0",
    }
    # The register and its entries say the same unless an entry names its own.
    assert document["use_cases"][0]["open_data_licence"] == "dl-by-de/2.0"


def test_the_json_names_the_licence_in_german_whatever_the_language(client, published):
    client.get("/sprache/", {"language": "en"})  # whether or not the switch exists: the header
    document = json.loads(
        b"".join(client.get("/daten/register.json", HTTP_ACCEPT_LANGUAGE="en").streaming_content)
    )
    assert document["licence"]["name"] == "Datenlizenz Deutschland – Namensnennung – 2.0"


@pytest.mark.parametrize(
    ("code", "address", "says"),
    [
        ("cc-zero", "https://creativecommons.org/publicdomain/zero/1.0/", "ohne Namensnennung"),
        ("dl-zero-de/2.0", "https://www.govdata.de/dl-de/zero-2-0", "ohne Namensnennung"),
        ("cc-by/4.0", "https://creativecommons.org/licenses/by/4.0/", "Quelle nennen"),
    ],
)
def test_every_licence_an_entry_may_name_may_be_configured(
    client, published, settings, code, address, says
):
    settings.OPEN_DATA_LICENCE = code
    html = page(client)
    assert f'href="{address}"' in html and says in html
    assert check_open_data_licence() == []


def test_an_unknown_licence_is_a_configuration_error(settings):
    settings.OPEN_DATA_LICENCE = "proprietary"
    (error,) = check_open_data_licence()
    assert error.id == "ki_register.E002" and "proprietary" in error.msg


def test_each_file_shows_the_registers_last_change(client, published):
    published.refresh_from_db()
    day = formats.date_format(published.published_at, "DATE_FORMAT")
    assert page(client).count(f"Stand: {day}") == 2


def test_a_files_size_is_shown_once_it_has_been_downloaded(client, published):
    assert "Bytes" not in page(client) and "KB" not in page(client)
    body = b"".join(client.get("/daten/register.csv").streaming_content)
    html = page(client)
    assert formats.number_format(round(len(body) / 1024, 1), 1) + "\xa0KB" in html or (
        f"{len(body)}\xa0Bytes" in html
    )
    # A filtered download is not the whole file: it does not set the size.
    b"".join(client.get("/daten/register.json", {"q": "Wohngeld"}).streaming_content)
    assert html == page(client)


def test_the_page_answers_304_until_the_register_or_a_size_changes(client, published):
    first = client.get("/daten/")
    assert client.get("/daten/", headers={"if-none-match": first["ETag"]}).status_code == 304
    b"".join(client.get("/daten/register.csv").streaming_content)
    assert client.get("/daten/", headers={"if-none-match": first["ETag"]}).status_code == 200


def test_the_page_links_the_api_documentation(client, db):
    html = page(client)
    assert 'href="/api/schema/redoc/"' in html
    assert "/api/v2/public/use-cases/" in html


def test_the_page_runs_one_query_however_large_the_register(
    client, publish_many, django_assert_max_num_queries
):
    publish_many(3)
    # The register's newest change; the sizes come from the cache, never from the files.
    with django_assert_max_num_queries(1):
        client.get("/daten/")
