"""Workflow actions over the API call the governance services and return the updated record."""

from governance import services as governance
from tests.api.conftest import ApiClient


def _classified(use_case, department_head):
    governance.classify_use_case(use_case, actor=department_head, facts={"is_ai_system": True})


def test_submit_sign_off_and_decide_move_the_use_case_through_review(
    use_case, department_head, iso, board_member
):
    _classified(use_case, department_head)
    url = f"/api/v1/use-cases/{use_case.pk}/"
    response = ApiClient(department_head).post(f"{url}submit/", {"note": "bitte prüfen"})
    assert response.status_code == 200
    assert response.json()["workflow_state"] == "submitted"
    assert response.json()["submissions"][0]["note"] == "bitte prüfen"
    response = ApiClient(iso).post(f"{url}sign-off/", {"role": "iso", "verdict": "agree"})
    assert response.status_code == 200
    assert response.json()["sign_offs"][0]["verdict"] == "agree"
    response = ApiClient(board_member).post(
        f"{url}decide/", {"outcome": "approved", "rationale": "geprüft"}
    )
    assert response.status_code == 200
    assert response.json()["workflow_state"] == "approved"
    assert response.json()["decisions"][0]["rationale"] == "geprüft"


def test_an_action_on_an_outdated_version_is_refused_with_412(use_case, department_head):
    _classified(use_case, department_head)
    client = ApiClient(department_head)
    response = client.post(f"/api/v1/use-cases/{use_case.pk}/submit/", {}, if_match='"alt"')
    assert response.status_code == 412
    use_case.refresh_from_db()
    assert use_case.workflow_state == "draft"


def test_an_action_in_the_wrong_state_names_the_problem(use_case, department_head):
    response = ApiClient(department_head).post(
        f"/api/v1/use-cases/{use_case.pk}/put-into-operation/", {"reason": "Start"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]


def test_unknown_fields_in_an_action_are_refused(use_case, department_head):
    response = ApiClient(department_head).post(
        f"/api/v1/use-cases/{use_case.pk}/submit/", {"note": "x", "priority": "hoch"}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["priority"]
