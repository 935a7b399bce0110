"""The risk class follows from the stored questionnaire only: no interface or service writes it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance import services
from registry.models import UseCase
from tests.api.conftest import ApiClient
from tests.conftest import admin_change_data
from tests.governance.conftest import HIGH_RISK, reload

WRITERS = ["department_head", "board_member"]


@pytest.mark.parametrize("persona", WRITERS)
def test_the_change_service_refuses_a_risk_class(request, use_case, persona):
    with pytest.raises(ValidationError) as exc:
        services.change_use_case(
            use_case, actor=request.getfixturevalue(persona), reason="x", risk_class="minimal"
        )
    assert "Risikofragebogen" in exc.value.message_dict["risk_class"][0]
    assert reload(use_case).risk_class == ""


@pytest.mark.parametrize("persona", WRITERS)
def test_the_api_refuses_a_risk_class_in_a_change(request, use_case, persona):
    client = ApiClient(request.getfixturevalue(persona))
    url = f"/api/v1/use-cases/{use_case.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"risk_class": "minimal", "reason": "x"}, if_match=etag)
    assert response.status_code == 400
    assert "risk_class" in response.json()["errors"]
    assert reload(use_case).risk_class == ""


def test_the_api_shows_the_risk_class_the_questionnaire_gave(use_case, department_head):
    services.classify_use_case(use_case, actor=department_head, facts=HIGH_RISK)
    body = ApiClient(department_head).get(f"/api/v1/use-cases/{use_case.pk}/").json()
    assert body["risk_class"] == UseCase.RiskClass.HIGH_RISK


def test_the_admin_shows_the_risk_class_read_only(client, use_case, board_member):
    client.force_login(board_member)
    url = reverse("admin:registry_usecase_change", args=[use_case.pk])
    data = admin_change_data(use_case, risk_class="minimal", change_reason="x")
    response = client.post(url, data)
    assert response.status_code == 302
    assert reload(use_case).risk_class == ""
    assert "risk_class" not in client.get(url).context["adminform"].form.fields
