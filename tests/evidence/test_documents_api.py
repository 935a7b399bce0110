"""The documents API: lists filtered in the query, uploads within bounds, refusals as problems."""

import pytest
from django.test import Client

from tests.evidence import files
from tests.evidence.conftest import attach

pytestmark = pytest.mark.django_db

URL = "/api/v1/documents/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(use_case, content: bytes, name: str = "dsfa.pdf") -> dict:
    return {
        "target_kind": "use_case",
        "target_id": use_case.pk,
        "title": "DSFA",
        "category": "dpia",
        "evidence_date": "2026-11-02",
        "reason": "abgeschlossen",
        "file": files.upload(content, name),
    }


def test_a_foreign_organisations_documents_are_not_listed(
    document, foreign_use_case, foreign_department_head, department_head
):
    foreign = attach(foreign_department_head, "use_case", foreign_use_case.pk)
    ids = [row["id"] for row in _client(department_head).get(URL).json()["results"]]
    assert ids == [document.pk]
    assert _client(department_head).get(f"{URL}{foreign.pk}/").status_code == 404


def test_the_list_filters_by_use_case(document, other_department_use_case, board_member):
    attach(board_member, "use_case", other_department_use_case.pk)
    body = _client(board_member).get(f"{URL}?use_case={document.use_case_id}").json()
    assert [row["id"] for row in body["results"]] == [document.pk]


def test_a_filter_that_names_nothing_matches_nothing_and_a_malformed_one_names_its_field(
    document, board_member
):
    client = _client(board_member)
    # Integers the schema allows but no record holds: an empty list, as the other id filters.
    for query in ("use_case=-5", "target_id=1234567890123456789012", "target_kind=nonsense"):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, query
        assert response.json()["results"] == [], query
    assert client.get(f"{URL}?target_kind=use_case").json()["results"][0]["id"] == document.pk
    for name in ("use_case", "target_id"):
        response = client.get(f"{URL}?{name}=zwei")
        assert response.status_code == 400
        assert response.json()["errors"] == {name: ["Bitte geben Sie eine Nummer an."]}
    assert client.get(f"{URL}?target_kind=use%00case").json()["results"] == []


def test_listing_takes_the_same_queries_for_more_documents(
    use_case, department_head, django_assert_max_num_queries
):
    client = _client(department_head)
    attach(department_head, "use_case", use_case.pk)
    client.get(URL)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for _ in range(4):
        attach(department_head, "use_case", use_case.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 5


def test_an_upload_creates_a_document_with_its_first_version(use_case, department_head):
    response = _client(department_head).post(URL, _upload(use_case, files.pdf()))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["versions"][0]["file_name"] == "dsfa.pdf"
    download = _client(department_head).get(body["versions"][0]["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="dsfa.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_html_behind_a_pdf_name_is_a_problem_naming_the_file(use_case, department_head):
    response = _client(department_head).post(URL, _upload(use_case, b"<html>x</html>"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "file" in response.json()["errors"]


def test_an_oversized_upload_is_refused_before_it_is_read(use_case, department_head, settings):
    settings.API_MAX_UPLOAD_BYTES = 2048
    response = _client(department_head).post(URL, _upload(use_case, files.pdf() + b"%" * 4096))
    assert response.status_code == 413
    assert response.json()["type"].endswith("request-too-large")


def test_a_json_body_is_unsupported(use_case, department_head):
    response = _client(department_head).post(URL, {"title": "x"}, content_type="application/json")
    assert response.status_code == 415


def test_a_new_version_over_the_api(document, department_head):
    response = _client(department_head).post(
        f"{URL}{document.pk}/versions/",
        {"evidence_date": "2026-11-03", "reason": "ergänzt", "file": files.upload(files.docx())},
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    assert document.versions.count() == 2
