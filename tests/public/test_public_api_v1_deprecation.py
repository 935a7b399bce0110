"""/api/v1/public/use-cases/ still answers, and every answer says it is deprecated for v2."""

import pytest

from config.checks import check_public_api_sunset

pytestmark = pytest.mark.django_db

# 2026-12-02 00:00 UTC, the day v2 became the public records' version (README, API changelog).
DEPRECATED = "@1796169600"


def test_every_v1_public_answer_names_its_deprecation_sunset_and_successor(client, published):
    uc = published.use_case_id
    for path in ("", f"{uc}/", f"{uc}/changes/", "?status=pilot&search=Wohngeld"):
        response = client.get(f"/api/v1/public/use-cases/{path}")
        assert response.status_code == 200, path
        assert response["Deprecation"] == DEPRECATED
        assert response["Sunset"] == "Wed, 30 Jun 2027 00:00:00 GMT"
        successor = f"http://testserver/api/v2/public/use-cases/{path}"
        assert response["Link"] == f'<{successor}>; rel="successor-version"'
        # The successor answers the same request.
        assert client.get(successor).status_code == 200, successor


def test_v1_still_answers_with_its_flat_record(client, published):
    record = client.get(f"/api/v1/public/use-cases/{published.use_case_id}/").json()
    # v1's shape as integrators know it: no url, withheld as an object.
    assert "url" not in record and record["withheld"] == {}
    assert record["title"] == published.title


def test_not_modified_and_not_found_answers_are_marked_too(client, published):
    url = f"/api/v1/public/use-cases/{published.use_case_id}/"
    etag = client.get(url)["ETag"]
    not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304 and not_modified["Deprecation"] == DEPRECATED
    missing = client.get("/api/v1/public/use-cases/999999/")
    assert missing.status_code == 404
    assert missing["Link"] == (
        '<http://testserver/api/v2/public/use-cases/999999/>; rel="successor-version"'
    )


def test_the_successor_link_keeps_characters_a_link_header_cannot_hold_encoded(client, published):
    response = client.get("/api/v1/public/use-cases/", {"search": "<a> b"})
    assert response["Link"] == (
        '<http://testserver/api/v2/public/use-cases/?search=%3Ca%3E+b>; rel="successor-version"'
    )


def test_the_sunset_is_the_setting(client, published, settings):
    settings.PUBLIC_API_V1_SUNSET = "2028-01-31"
    response = client.get("/api/v1/public/use-cases/")
    assert response["Sunset"] == "Mon, 31 Jan 2028 00:00:00 GMT"
    assert check_public_api_sunset() == []


def test_a_sunset_that_is_no_date_is_a_configuration_error(settings):
    settings.PUBLIC_API_V1_SUNSET = "30.06.2027"
    (error,) = check_public_api_sunset()
    assert error.id == "ki_register.E003"
    assert "PUBLIC_API_V1_SUNSET" in error.msg and "30.06.2027" in error.msg
