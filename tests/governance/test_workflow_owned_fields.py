"""Fields a workflow step owns are set by that step only: no edit, API call or form types them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance import services
from registry.models import PublishedUseCase, UseCase
from tests.api.conftest import ApiClient
from tests.governance.conftest import reload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("next_review_date", datetime.date(2099, 1, 1)),
        ("review_interval_months", 120),
        ("workflow_state", UseCase.WorkflowState.IN_OPERATION),
        ("risk_class", UseCase.RiskClass.MINIMAL),
    ],
)
def test_no_change_types_a_field_a_step_or_the_questionnaire_sets(
    approved_use_case, board_member, field, value
):
    before = getattr(reload(approved_use_case), field)
    with pytest.raises(ValidationError) as refused:
        services.change_use_case(
            approved_use_case, actor=board_member, reason="r", **{field: value}
        )
    assert field in refused.value.message_dict
    assert getattr(reload(approved_use_case), field) == before


@pytest.mark.parametrize("status", [UseCase.Status.IN_OPERATION, UseCase.Status.RETIRED])
def test_an_approved_use_case_is_not_put_into_operation_by_editing_its_status(
    approved_use_case, department_head, status
):
    with pytest.raises(ValidationError) as refused:
        services.change_use_case(
            approved_use_case, actor=department_head, reason="r", status=status
        )
    assert "In Betrieb nehmen" in refused.value.message_dict["status"][0]
    assert reload(approved_use_case).status != status
    assert PublishedUseCase.objects.get(use_case=approved_use_case).status != status


def test_the_api_does_not_put_an_approved_use_case_into_operation(
    approved_use_case, department_head
):
    api = ApiClient(department_head)
    url = f"/api/v1/use-cases/{approved_use_case.pk}/"
    etag = api.get(url)["ETag"]
    response = api.patch(url, {"status": "in_operation", "reason": "läuft"}, **{"If-Match": etag})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert reload(approved_use_case).workflow_state == UseCase.WorkflowState.APPROVED


def test_the_api_does_not_move_the_review_date(approved_use_case, department_head):
    api = ApiClient(department_head)
    url = f"/api/v1/use-cases/{approved_use_case.pk}/"
    before = reload(approved_use_case).next_review_date
    etag = api.get(url)["ETag"]
    response = api.patch(
        url, {"next_review_date": "2099-01-01", "reason": "später"}, **{"If-Match": etag}
    )
    assert response.status_code == 400
    assert reload(approved_use_case).next_review_date == before


def test_a_pilot_in_operation_may_become_regular_operation(approved_use_case, board_member):
    services.change_use_case(
        approved_use_case, actor=board_member, reason="Pilot", status=UseCase.Status.PILOT
    )
    services.put_into_operation(approved_use_case, actor=board_member, reason="Start")
    services.change_use_case(
        approved_use_case, actor=board_member, reason="Regelbetrieb", status="in_operation"
    )
    assert reload(approved_use_case).status == UseCase.Status.IN_OPERATION


def test_the_start_date_is_fixed_once_in_operation(approved_use_case, board_member):
    services.put_into_operation(approved_use_case, actor=board_member, reason="Start")
    with pytest.raises(ValidationError) as refused:
        services.change_use_case(
            approved_use_case,
            actor=board_member,
            reason="r",
            start_date=datetime.date(2020, 1, 1),
        )
    assert "start_date" in refused.value.message_dict


def test_only_the_board_reschedules_a_review(approved_use_case, board_member, department_head):
    later = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        services.reschedule_review(
            approved_use_case, actor=department_head, reason="später", next_review_date=later
        )
    services.reschedule_review(
        approved_use_case,
        actor=board_member,
        reason="vorgezogen",
        next_review_date=later,
        review_interval_months=6,
    )
    use_case = reload(approved_use_case)
    assert (use_case.next_review_date, use_case.review_interval_months) == (later, 6)
    assert use_case.history.latest().history_change_reason == "Überprüfung terminiert: vorgezogen"


def test_the_board_reschedules_a_review_in_the_admin(approved_use_case, board_member):
    client = Client()
    client.force_login(board_member)
    url = reverse(
        "admin:registry_usecase_transition",
        args=[approved_use_case.pk, "ueberpruefung-terminieren"],
    )
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"next_review_date": "2031-03-01", "review_interval_months": "", "text": "Beschwerde"}
    )
    assert response.status_code == 302
    assert reload(approved_use_case).next_review_date == datetime.date(2031, 3, 1)


def test_the_guided_form_offers_only_the_statuses_an_edit_may_set(
    approved_use_case, department_head
):
    client = Client()
    client.force_login(department_head)
    url = reverse("workspace:step", args=[approved_use_case.pk, "grunddaten"])
    choices = client.get(url).context["form"].fields["status"].choices
    offered = {value for value, _label in choices}
    assert UseCase.Status.IN_OPERATION not in offered
    assert UseCase.Status.RETIRED not in offered
    assert UseCase.Status.PILOT in offered
