"""Bodies no client should send get a problem document with a reason, and change nothing."""

import base64
import json

import pytest
from django.test import Client, override_settings

import safejson
from registry.models import LegalBasis, UseCase
from tests.api.routes import api_operations

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _paths(operations: list[tuple[str, str]], use_case_id: int) -> list[tuple[str, str]]:
    """Concrete paths of the write operations, ids filled in with a visible use case."""
    from django.urls import NoReverseMatch, reverse

    paths = []
    for name, method in operations:
        if method not in {"post", "put", "patch"}:
            continue
        for kwargs in ({}, {"pk": use_case_id}):
            try:
                paths.append((method, reverse(name, kwargs=kwargs)))
                break
            except NoReverseMatch:
                continue
    return paths


def _is_problem(response) -> bool:
    return response["Content-Type"].startswith("application/problem+json")


def test_deeply_nested_json_is_a_400_for_an_anonymous_caller():
    client = Client(raise_request_exception=False)
    for depth in (safejson.MAX_DEPTH + 1, 100_000):
        response = client.post(
            "/api/v1/risk-classification/", nested(depth), content_type="application/json"
        )
        assert response.status_code == 400, depth
        assert _is_problem(response)
        assert "verschachtelt" in response.json()["detail"]


def test_every_write_endpoint_refuses_deep_nesting_and_changes_nothing(
    board_member, use_case, api_as
):
    api = api_as(board_member)
    etag = api.get(f"/api/v1/use-cases/{use_case.pk}/")["ETag"]
    before = UseCase.history.count()
    writes = _paths(api_operations(), use_case.pk)
    # Create, update and the workflow actions: a walk that found none would prove nothing.
    assert len(writes) >= 8
    body = json.dumps({"title": json.loads(nested(safejson.MAX_DEPTH)), "reason": "x"})
    for method, path in writes:
        response = api.request(method, path, body, **{"If-Match": etag})
        # A path naming another kind of record may not find id 1 (404); none may accept it.
        assert 400 <= response.status_code < 500, (method, path, response.status_code)
        assert _is_problem(response)
        if path.startswith("/api/v1/use-cases/"):
            assert response.status_code == 400, (method, path)
    assert UseCase.history.count() == before


def test_a_document_of_too_many_values_is_refused_before_validation(
    department_head, use_case, api_as
):
    rows = [{"law": "DSGVO", "provision": f"Art. {n}"} for n in range(20_000)]
    api = api_as(department_head)
    etag = api.get(f"/api/v1/use-cases/{use_case.pk}/")["ETag"]
    response = api.patch(
        f"/api/v1/use-cases/{use_case.pk}/",
        {"legal_bases": rows, "reason": "viele"},
        **{"If-Match": etag},
    )
    assert response.status_code == 400
    assert _is_problem(response)
    assert not LegalBasis.objects.filter(use_case=use_case, provision="Art. 7").exists()


@override_settings(API_MAX_BODY_BYTES=10_000)
def test_an_oversized_body_is_a_413_problem_document():
    response = Client().post(
        "/api/v1/risk-classification/",
        json.dumps({"padding": "x" * 20_000}),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert _is_problem(response)
    assert response.json()["type"].endswith(":request-too-large")


def test_a_number_beyond_any_float_is_refused_not_turned_into_infinity():
    response = Client().post(
        "/api/v1/risk-classification/", '{"x": NaN}', content_type="application/json"
    )
    assert response.status_code == 400
    assert _is_problem(response)


@pytest.mark.parametrize("path", ["/api/v1/use-cases/", "/api/v1/ai-systems/", "/api/v1/webhooks/"])
def test_an_unknown_ordering_is_refused_with_the_keys_that_exist(path, board_member, api_as):
    response = api_as(board_member).get(f"{path}?ordering=-secret_field")
    assert response.status_code == 400
    message = response.json()["errors"]["ordering"][0]
    assert "secret_field" in message
    assert "-id" in message


def test_a_known_ordering_still_sorts(board_member, use_case, api_as):
    response = api_as(board_member).get("/api/v1/use-cases/?ordering=-title,")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "position"),
    [
        ("/api/v1/webhooks/", "abc"),
        ("/api/v1/ai-systems/?ordering=id", "abc"),
        ("/api/v1/organisations/?ordering=-id", "1.5"),
        ("/api/v1/use-cases/", "2024-13-45"),
        ("/api/v1/public/use-cases/?ordering=title", "a\x00b"),
    ],
)
def test_a_cursor_at_a_position_the_ordering_cannot_hold_is_a_400(
    path, position, board_member, api_as
):
    # Well-formed, but pointing at a word where an id or a time belongs, or at NUL in text.
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    separator = "&" if "?" in path else "?"
    response = api_as(board_member).get(f"{path}{separator}cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_nul_in_a_search_is_a_400(board_member, api_as):
    # Filters' form fields refuse NUL; the search term used to reach PostgreSQL with it (500).
    response = api_as(board_member).get("/api/v1/use-cases/?search=a%00b")
    assert response.status_code == 400
    assert "search" in response.json()["errors"]


def test_a_time_offset_beyond_postgresqls_is_compared_in_utc(board_member, use_case, api_as):
    # PostgreSQL takes offsets up to 15:59 hours; ISO 8601 up to 23:59.
    response = api_as(board_member).get("/api/v1/use-cases/?updated_after=2000-01-01T00:00%2B20:49")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [use_case.pk]


def test_a_time_beyond_year_9999_in_utc_is_a_400(board_member, api_as):
    response = api_as(board_member).get("/api/v1/use-cases/?updated_before=9999-12-31T23:00-05:00")
    assert response.status_code == 400
    assert "updated_before" in response.json()["errors"]


def test_a_search_within_a_filter_that_matches_nothing_is_an_empty_list(
    board_member, ai_system, api_as
):
    # On PostgreSQL the search asks the planner for an estimate; an impossible condition has
    # no SQL to plan (EmptyResultSet was a 500).
    response = api_as(board_member).get("/api/v1/ai-systems/?search=LLM&organisation=-5")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_if_match_star_is_no_way_around_the_version_check(board_member, use_case, api_as):
    response = api_as(board_member).patch(
        f"/api/v1/use-cases/{use_case.pk}/", {"title": "Blind", "reason": "r"}, **{"If-Match": "*"}
    )
    assert response.status_code == 428
    assert "ETag" in response.json()["detail"]
    use_case.refresh_from_db()
    assert use_case.title != "Blind"


def test_too_many_rows_of_one_kind_are_refused_by_the_service(board_member, use_case):
    from django.core.exceptions import ValidationError

    from governance.services import change_use_case
    from registry.services import MAX_CHILD_ROWS

    rows = [{"law": "DSGVO", "provision": f"Art. {n}"} for n in range(MAX_CHILD_ROWS + 1)]
    with pytest.raises(ValidationError) as refused:
        change_use_case(use_case, actor=board_member, reason="r", children={"legal_bases": rows})
    assert "legal_bases" in refused.value.message_dict
    assert not use_case.legal_bases.exists()


def test_the_same_withheld_field_twice_is_a_field_error_not_a_server_error(
    board_member, use_case, api_as
):
    row = {"field": "vendor", "reason": "Vergabe läuft"}
    response = api_as(board_member).patch(
        f"/api/v1/use-cases/{use_case.pk}/",
        {"withheld_fields": [row, row], "reason": "Zurückhalten"},
        **{"If-Match": api_as(board_member).get(f"/api/v1/use-cases/{use_case.pk}/")["ETag"]},
    )
    assert response.status_code == 400
    assert "withheld_fields.1.field" in response.json()["errors"]
    assert not use_case.withheld_fields.exists()


def test_the_same_leika_key_twice_is_refused_with_the_row_it_repeats(board_member, use_case):
    from governance.services import change_use_case

    service = {"leika_key": "99107005000000", "name": "Wohngeld"}
    with pytest.raises(Exception) as refused:
        change_use_case(
            use_case,
            actor=board_member,
            reason="Leistungen",
            children={"public_services": [service, dict(service)]},
        )
    assert "Zeile 1" in str(refused.value)
    assert not use_case.public_services.exists()


def test_a_row_entered_again_under_a_new_id_replaces_the_old_one(board_member, use_case):
    from governance.services import change_use_case

    service = {"leika_key": "99107005000000", "name": "Wohngeld"}
    change_use_case(
        use_case, actor=board_member, reason="Leistung", children={"public_services": [service]}
    )
    # The form sent the row without its id: it is the same key, not a duplicate of itself.
    change_use_case(
        use_case, actor=board_member, reason="neu", children={"public_services": [service]}
    )
    assert use_case.public_services.count() == 1
