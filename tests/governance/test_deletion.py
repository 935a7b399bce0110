"""A use case with a governance record is retired, never deleted; a bare draft may be deleted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance import services
from governance.models import ObligationItem
from registry.models import UseCase
from tests.api.conftest import ApiClient
from tests.governance.conftest import MINIMAL

WITH_RECORD = ["classified_use_case", "submitted_use_case", "signed_use_case", "approved_use_case"]


def test_a_draft_never_submitted_is_deleted_and_its_history_and_reason_remain(
    use_case, board_member
):
    pk = use_case.pk
    services.delete_use_case(use_case, actor=board_member, reason="doppelt erfasst")
    assert not UseCase.objects.filter(pk=pk).exists()
    deleted = UseCase.history.filter(id=pk).latest("history_date")
    assert deleted.history_type == "-"
    assert deleted.history_user == board_member
    assert deleted.history_change_reason == "doppelt erfasst"


def test_the_obligations_of_a_deleted_draft_keep_who_deleted_them_and_why(
    use_case, board_member, department_head
):
    services.change_use_case(
        use_case, actor=department_head, reason="Daten", processes_personal_data=True
    )
    item = ObligationItem.objects.get(use_case=use_case)
    services.delete_use_case(use_case, actor=board_member, reason="doppelt erfasst")
    deleted = ObligationItem.history.filter(id=item.pk).latest("history_date")
    assert deleted.history_type == "-"
    assert deleted.history_change_reason == "doppelt erfasst"


@pytest.mark.parametrize("fixture", WITH_RECORD)
def test_the_board_cannot_delete_a_use_case_with_a_governance_record(
    request, fixture, board_member
):
    use_case = request.getfixturevalue(fixture)
    with pytest.raises(ValidationError) as exc:
        services.delete_use_case(use_case, actor=board_member, reason="weg")
    assert "außer Betrieb" in exc.value.message_dict["workflow_state"][0]
    assert UseCase.objects.filter(pk=use_case.pk).exists()


@pytest.mark.parametrize("persona", ["department_head", "dpo", "iso", "auditor"])
def test_nobody_else_deletes_a_classified_use_case(request, classified_use_case, persona):
    with pytest.raises(PermissionDenied):
        services.delete_use_case(
            classified_use_case, actor=request.getfixturevalue(persona), reason="weg"
        )
    assert UseCase.objects.filter(pk=classified_use_case.pk).exists()


def test_the_api_refuses_to_delete_a_classified_use_case(classified_use_case, board_member):
    response = ApiClient(board_member).delete(
        f"/api/v1/use-cases/{classified_use_case.pk}/?reason=weg"
    )
    assert response.status_code == 400
    assert "workflow_state" in response.json()["errors"]
    assert UseCase.objects.filter(pk=classified_use_case.pk).exists()


def test_the_admin_offers_no_deletion_of_a_classified_use_case(
    client, classified_use_case, board_member
):
    client.force_login(board_member)
    url = reverse("admin:registry_usecase_delete", args=[classified_use_case.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert UseCase.objects.filter(pk=classified_use_case.pk).exists()


def test_the_admin_bulk_deletion_is_refused_when_one_has_a_governance_record(
    client, use_case, department_head, department, board_member
):
    from tests.conftest import make_use_case

    draft = make_use_case(department_head, department, "Entwurf")
    services.classify_use_case(use_case, actor=department_head, facts=MINIMAL)
    client.force_login(board_member)
    response = client.post(
        reverse("admin:registry_usecase_changelist"),
        {"action": "delete_selected", "_selected_action": [use_case.pk, draft.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert UseCase.objects.filter(pk__in=[use_case.pk, draft.pk]).count() == 2
