"""Nothing crosses organisations: lists leave foreign records out, objects are 404."""

from registry.webhooks import endpoints
from tests.api.conftest import ApiClient


def test_lists_leave_out_other_organisations_records(
    foreign_board_member,
    use_case,
    ai_system,
    foreign_use_case,
    foreign_ai_system,
    board_member,
    organisation,
):
    endpoints.create_webhook_endpoint(
        actor=board_member,
        organisation=organisation,
        url="http://127.0.0.1:9/h",
        events=["use_case.created"],
    )
    client = ApiClient(foreign_board_member)
    assert [r["id"] for r in client.get("/api/v1/use-cases/").json()["results"]] == [
        foreign_use_case.pk
    ]
    assert [r["id"] for r in client.get("/api/v1/ai-systems/").json()["results"]] == [
        foreign_ai_system.pk
    ]
    assert client.get("/api/v1/webhooks/").json()["results"] == []
    organisations = client.get("/api/v1/organisations/").json()["results"]
    assert [o["id"] for o in organisations] == [foreign_use_case.organisation_id]
    departments = client.get("/api/v1/departments/").json()["results"]
    assert {d["organisation"] for d in departments} == {foreign_use_case.organisation_id}


def test_a_foreign_ai_system_cannot_be_attached_to_a_use_case(
    department_head, use_case, foreign_ai_system
):
    client = ApiClient(department_head)
    etag = client.get(f"/api/v1/use-cases/{use_case.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/use-cases/{use_case.pk}/",
        {"ai_system": foreign_ai_system.pk, "reason": "r"},
        if_match=etag,
    )
    assert response.status_code == 400
    assert "ai_system" in response.json()["errors"]


def test_a_use_case_cannot_be_moved_into_a_foreign_department(
    board_member, use_case, foreign_department
):
    client = ApiClient(board_member)
    etag = client.get(f"/api/v1/use-cases/{use_case.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/use-cases/{use_case.pk}/",
        {"department": foreign_department.pk, "reason": "r"},
        if_match=etag,
    )
    assert response.status_code == 400
    assert "department" in response.json()["errors"]


def test_malformed_and_huge_ids_are_the_same_404_as_missing_ones(
    board_member, ai_system, organisation
):
    client = ApiClient(board_member)
    for pk in ["abc", "99999999999999999999999", "99999"]:
        assert client.get(f"/api/v1/ai-systems/{pk}/").status_code == 404
        assert client.get(f"/api/v1/webhooks/{pk}/").status_code == 404
        assert client.patch(f"/api/v1/ai-systems/{pk}/", {"name": "x"}).status_code == 404


def test_foreign_ai_system_is_404_to_change_and_a_reviewers_own_is_403(
    foreign_board_member, dpo, ai_system
):
    body = {"name": "Neu", "reason": "Test"}
    assert (
        ApiClient(foreign_board_member)
        .patch(f"/api/v1/ai-systems/{ai_system.pk}/", body)
        .status_code
        == 404
    )
    etag = ApiClient(dpo).get(f"/api/v1/ai-systems/{ai_system.pk}/")["ETag"]
    response = ApiClient(dpo).patch(f"/api/v1/ai-systems/{ai_system.pk}/", body, If_Match=etag)
    assert response.status_code == 403
