"""POST /api/v1/risk-classification/: the engine's contract over HTTP, no login, nothing stored."""

import pytest

URL = "/api/v1/risk-classification/"


@pytest.mark.django_db
def test_anonymous_caller_gets_the_classification(client):
    response = client.post(
        URL,
        {"is_ai_system": True, "annex_iii_points": ["5a"], "role": "deployer"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["risk_class"] == "high_risk"
    assert {"art_26_deployer_obligations", "art_27_fria", "art_49_registration"} <= set(
        body["obligations"]
    )
    assert all({"article", "text"} <= set(reason) for reason in body["reasons"])


@pytest.mark.django_db
def test_unknown_fields_are_named_in_a_400(client):
    response = client.post(
        URL, {"is_ai_system": True, "colour": "blau"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "colour" in response.json()["errors"]


@pytest.mark.django_db
def test_an_unknown_value_is_named_in_a_400(client):
    response = client.post(
        URL, {"is_ai_system": True, "annex_iii_points": ["9"]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "annex_iii_points" in response.json()["errors"]
