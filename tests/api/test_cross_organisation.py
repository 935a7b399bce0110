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


def test_a_foreign_use_case_named_in_an_incident_or_objection_is_as_unknown_as_a_missing_one(
    department_head, foreign_use_case
):
    client = ApiClient(department_head)
    bodies = {
        "/api/v1/incidents/": {
            "title": "Ausfall",
            "description": "Keine Vorschläge.",
            "aware_at": "2026-11-30T08:00:00+01:00",
        },
        "/api/v1/objections/": {
            "channel": "phone",
            "received_at": "2026-11-30T08:00:00+01:00",
            "statement": "Bitte prüfen.",
        },
    }
    for path, body in bodies.items():
        foreign = client.post(path, {**body, "use_case": foreign_use_case.pk})
        missing = client.post(path, {**body, "use_case": 10**17})
        assert foreign.status_code == missing.status_code == 400, path
        # The same words for both: the answer must not tell which ids exist elsewhere.
        assert foreign.json()["errors"].keys() == {"use_case"}
        assert foreign.json()["errors"]["use_case"] != []
        assert str(foreign_use_case.pk) in foreign.json()["errors"]["use_case"][0]


def test_a_foreign_documents_target_is_refused_on_its_field(department_head, foreign_use_case):
    from tests.evidence import files

    client = ApiClient(department_head)
    body = {
        "target_kind": "use_case",
        "target_id": foreign_use_case.pk,
        "title": "DSFA",
        "category": "dpia",
        "evidence_date": "2026-11-02",
        "reason": "abgeschlossen",
        "file": files.upload(files.pdf()),
    }
    response = client.client.post("/api/v1/documents/", body)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "target_id": ["Diesen Eintrag gibt es nicht, oder Sie dürfen ihn nicht sehen."]
    }
    body["file"] = files.upload(files.pdf())
    body["target_kind"] = "gibt-es-nicht"
    response = client.client.post("/api/v1/documents/", body)
    assert response.status_code == 400
    assert response.json()["errors"].keys() == {"target_kind"}


def test_an_address_with_a_line_break_is_a_problem_document_too(client):
    response = client.get("/api/v1/documents/1/versions/%0A/file/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
