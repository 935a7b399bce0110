"""The use-case resource: contract, ETags, strict input, problem documents, lists."""

import pytest

from tests.api.conftest import ApiClient
from tests.conftest import make_use_case

URL = "/api/v1/use-cases/"


def _etag(client, use_case):
    return client.get(f"{URL}{use_case.pk}/")["ETag"]


def test_a_change_without_if_match_is_refused_with_428(department_head, use_case):
    response = ApiClient(department_head).patch(
        f"{URL}{use_case.pk}/", {"title": "X", "reason": "r"}
    )
    assert response.status_code == 428
    use_case.refresh_from_db()
    assert use_case.title != "X"


def test_a_change_based_on_an_old_version_is_refused_with_412(department_head, use_case):
    client = ApiClient(department_head)
    stale = _etag(client, use_case)
    assert (
        client.patch(
            f"{URL}{use_case.pk}/", {"title": "A", "reason": "r"}, if_match=stale
        ).status_code
        == 200
    )
    response = client.patch(f"{URL}{use_case.pk}/", {"title": "B", "reason": "r"}, if_match=stale)
    assert response.status_code == 412
    use_case.refresh_from_db()
    assert use_case.title == "A"


def test_a_change_of_a_child_row_moves_the_etag(department_head, use_case):
    client = ApiClient(department_head)
    before = _etag(client, use_case)
    response = client.patch(
        f"{URL}{use_case.pk}/",
        {"reason": "ergänzt", "legal_bases": [{"law": "DSGVO", "provision": "Art. 6"}]},
        if_match=before,
    )
    assert response.status_code == 200
    assert response["ETag"] != before
    assert response["ETag"] == _etag(client, use_case)


def test_a_change_needs_a_reason(department_head, use_case):
    client = ApiClient(department_head)
    response = client.patch(
        f"{URL}{use_case.pk}/", {"title": "X"}, if_match=_etag(client, use_case)
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_a_change_is_recorded_in_the_history_with_actor_reason_and_diff(department_head, use_case):
    client = ApiClient(department_head)
    client.patch(
        f"{URL}{use_case.pk}/",
        {"purpose": "Neu", "reason": "präzisiert"},
        if_match=_etag(client, use_case),
    )
    newest = client.get(f"{URL}{use_case.pk}/history/").json()[0]
    assert newest["actor"]["username"] == department_head.username
    assert newest["reason"] == "präzisiert"
    assert newest["changes"] == [
        {"field": "purpose", "old": "Kürzere Bearbeitungszeiten.", "new": "Neu"}
    ]


def test_unknown_fields_are_named_in_a_400(department_head, use_case):
    client = ApiClient(department_head)
    response = client.patch(
        f"{URL}{use_case.pk}/",
        {"title": "X", "reason": "r", "colour": "blau"},
        if_match=_etag(client, use_case),
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["colour"]


def test_read_only_fields_in_a_body_are_refused_not_ignored(department_head, use_case):
    client = ApiClient(department_head)
    response = client.patch(
        f"{URL}{use_case.pk}/",
        {"workflow_state": "approved", "reason": "r"},
        if_match=_etag(client, use_case),
    )
    assert response.status_code == 400
    assert "workflow_state" in response.json()["errors"]


def test_errors_are_problem_documents_in_german_by_default(department_head, use_case):
    response = ApiClient(department_head).patch(f"{URL}{use_case.pk}/", {"reason": "r"})
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:ki-register:problem:precondition-required"
    assert body["status"] == 428
    assert body["instance"] == f"{URL}{use_case.pk}/"
    assert "If-Match" in body["detail"]


def test_accept_language_en_asks_for_english_errors(outsider):
    # DRF ships English for its own messages, so this one is English without our catalogue.
    response = ApiClient(None, language="en").get(URL)
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_model_validation_errors_name_the_field(department_head, use_case):
    client = ApiClient(department_head)
    response = client.patch(
        f"{URL}{use_case.pk}/",
        {"start_date": "2026-05-01", "end_date": "2026-04-01", "reason": "r"},
        if_match=_etag(client, use_case),
    )
    assert response.status_code == 400
    assert "end_date" in response.json()["errors"]


def test_child_row_errors_name_the_row_and_field(department_head, use_case):
    client = ApiClient(department_head)
    response = client.patch(
        f"{URL}{use_case.pk}/",
        {"public_services": [{"leika_key": "123"}], "reason": "r"},
        if_match=_etag(client, use_case),
    )
    assert response.status_code == 400
    assert "public_services.0.leika_key" in response.json()["errors"]


def test_form_encoded_bodies_get_415(department_head):
    client = ApiClient(department_head).client
    response = client.post(URL, data="title=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_creating_returns_the_record_with_location_and_etag(department_head, department):
    response = ApiClient(department_head).post(
        URL,
        {
            "department": department.pk,
            "title": "Posteingang",
            "short_description": "Kurz.",
            "purpose": "Zweck.",
            "responsible_role": "Hauptamt",
            "reason": "erfasst",
            "data_sources": [{"name": "Post", "register": ""}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"{URL}{body['id']}/"
    assert response["ETag"]
    assert body["workflow_state"] == "draft"
    assert [s["name"] for s in body["data_sources"]] == ["Post"]


def test_deleting_needs_a_reason(board_member, use_case):
    response = ApiClient(board_member).delete(f"{URL}{use_case.pk}/")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_fields_parameter_narrows_the_output(department_head, use_case):
    body = ApiClient(department_head).get(f"{URL}?fields=id,title").json()
    assert body["results"] == [{"id": use_case.pk, "title": use_case.title}]


def test_fields_parameter_with_an_unknown_name_is_a_400(department_head, use_case):
    response = ApiClient(department_head).get(f"{URL}?fields=id,colour")
    assert response.status_code == 400
    assert "fields" in response.json()["errors"]


def test_fields_cannot_name_a_write_only_field(department_head, use_case):
    # `reason` is taken in, never given out: naming it was a KeyError (500).
    response = ApiClient(department_head).get(f"{URL}{use_case.pk}/?fields=id,reason")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]["fields"][0]


def test_fields_without_a_name_narrow_nothing(department_head, use_case):
    body = ApiClient(department_head).get(f"{URL}{use_case.pk}/?fields=,").json()
    assert "title" in body and "department" in body


def test_lists_filter_by_department_and_state(department_head, use_case, other_department_use_case):
    body = (
        ApiClient(department_head)
        .get(f"{URL}?department={use_case.department_id}&workflow_state=draft")
        .json()
    )
    assert [r["id"] for r in body["results"]] == [use_case.pk]


@pytest.mark.parametrize("path", [URL, "/api/v1/ai-systems/", "/api/v1/departments/"])
def test_a_filter_by_an_organisation_that_is_not_visible_is_an_empty_list(
    path, department_head, use_case, foreign_department
):
    # Another organisation's id and an id that names nothing answer alike: no oracle for ids.
    client = ApiClient(department_head)
    for organisation_id in (foreign_department.organisation_id, 987654321, -(10**30), 10**30):
        response = client.get(f"{path}?organisation={organisation_id}")
        assert response.status_code == 200
        assert response.json()["results"] == []


def test_search_finds_words_in_title_and_description(
    department_head, use_case, other_department_use_case
):
    body = ApiClient(department_head).get(f"{URL}?search=Chatbot").json()
    assert [r["id"] for r in body["results"]] == [other_department_use_case.pk]


def test_ordering_by_title(department_head, use_case, other_department_use_case):
    body = ApiClient(department_head).get(f"{URL}?ordering=title").json()
    assert [r["title"] for r in body["results"]] == sorted(
        [use_case.title, other_department_use_case.title]
    )


def test_cursor_pagination_walks_every_record_once(department_head, department):
    for number in range(5):
        make_use_case(department_head, department, f"Fall {number}")
    client = ApiClient(department_head)
    seen, url = [], f"{URL}?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 5


def test_a_malformed_cursor_is_a_400(department_head):
    response = ApiClient(department_head).get(f"{URL}?cursor=kaputt")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


@pytest.mark.parametrize("size", ["0", "101", "x"])
def test_page_size_out_of_range_is_a_400(department_head, size):
    assert ApiClient(department_head).get(f"{URL}?page_size={size}").status_code == 400
