"""The board takes the workflow's other steps in the admin: submit, operate, review, retire, and
keeps the obligations; every step goes through its governance service."""

import pytest
from django.urls import reverse

from governance import services
from governance.admin import TRANSITIONS
from governance.models import ObligationItem
from registry.models import UseCase
from tests.governance.conftest import reload


@pytest.fixture
def classified_use_case(use_case, department_head):
    """Classified with an item of its own: a provider's chatbot owes Art. 50(1).

    Art. 4 (the minimal class's only duty) is the organisation's, not an item of the use case.
    """
    services.classify_use_case(
        use_case,
        actor=department_head,
        facts={"is_ai_system": True, "role": "provider", "interacts_with_natural_persons": True},
    )
    use_case.refresh_from_db()
    return use_case


def _step(use_case: UseCase, step: str) -> str:
    return reverse("admin:registry_usecase_transition", args=[use_case.pk, step])


def _change(use_case: UseCase) -> str:
    return reverse("admin:registry_usecase_change", args=[use_case.pk])


def test_the_change_page_offers_the_steps_of_the_current_state(
    client, board_member, approved_use_case
):
    client.force_login(board_member)
    content = client.get(_change(approved_use_case)).content.decode()
    assert _step(approved_use_case, "in-betrieb") in content
    assert _step(approved_use_case, "ueberpruefung") in content
    assert _step(approved_use_case, "ausser-betrieb") in content
    assert _step(approved_use_case, "einreichen") not in content


def test_the_board_puts_an_approved_use_case_into_operation(
    client, board_member, approved_use_case
):
    client.force_login(board_member)
    assert client.get(_step(approved_use_case, "in-betrieb")).status_code == 200
    response = client.post(_step(approved_use_case, "in-betrieb"), {"text": "Pilot beendet"})
    assert response.status_code == 302 and response["Location"] == _change(approved_use_case)
    use_case = reload(approved_use_case)
    assert use_case.workflow_state == "in_operation"
    latest = use_case.history.first()
    assert latest.history_user == board_member
    assert "Pilot beendet" in latest.history_change_reason


def test_a_step_without_its_reason_changes_nothing_and_names_the_field(
    client, board_member, approved_use_case
):
    client.force_login(board_member)
    versions = approved_use_case.history.count()
    response = client.post(_step(approved_use_case, "ausser-betrieb"), {"text": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert "Bitte korrigieren Sie" in response.content.decode()
    assert reload(approved_use_case).workflow_state == "approved"
    assert approved_use_case.history.count() == versions


def test_a_step_the_state_does_not_allow_changes_nothing(client, board_member, signed_use_case):
    client.force_login(board_member)
    response = client.post(_step(signed_use_case, "in-betrieb"), {"text": "zu früh"})
    assert response.status_code == 200
    assert "Dieser Schritt ist im Bearbeitungsstand" in response.content.decode()
    assert reload(signed_use_case).workflow_state == signed_use_case.workflow_state


def test_the_board_confirms_a_periodic_review(client, board_member, approved_use_case):
    client.force_login(board_member)
    response = client.post(
        _step(approved_use_case, "ueberpruefung"), {"text": "Keine Auffälligkeiten"}
    )
    assert response.status_code == 302
    use_case = reload(approved_use_case)
    assert use_case.next_review_date is not None
    assert "Keine Auffälligkeiten" in use_case.history.first().history_change_reason


def test_the_board_retires_a_use_case(client, board_member, approved_use_case):
    client.force_login(board_member)
    response = client.post(_step(approved_use_case, "ausser-betrieb"), {"text": "Vertrag endet"})
    assert response.status_code == 302
    assert reload(approved_use_case).workflow_state == "retired"


def test_the_board_submits_a_classified_draft(client, board_member, classified_use_case):
    client.force_login(board_member)
    response = client.post(_step(classified_use_case, "einreichen"), {"text": ""})
    assert response.status_code == 302
    assert reload(classified_use_case).workflow_state == "submitted"


def test_submitting_without_the_questionnaire_names_what_is_missing(client, board_member, use_case):
    client.force_login(board_member)
    response = client.post(_step(use_case, "einreichen"), {"text": ""})
    assert response.status_code == 200
    assert "Risikofragebogen" in response.content.decode()
    assert reload(use_case).workflow_state == "draft"


def test_an_unknown_step_is_not_found(client, board_member, approved_use_case):
    client.force_login(board_member)
    assert client.get(_step(approved_use_case, "loeschen")).status_code == 404


@pytest.mark.parametrize("step", sorted(TRANSITIONS))
def test_a_foreign_board_finds_no_step(client, foreign_board_member, approved_use_case, step):
    client.force_login(foreign_board_member)
    assert client.post(_step(approved_use_case, step), {"text": "x"}).status_code == 404
    assert reload(approved_use_case).workflow_state == "approved"


@pytest.mark.parametrize("step", sorted(TRANSITIONS))
def test_the_auditor_may_not_take_a_step(client, auditor, approved_use_case, step):
    client.force_login(auditor)
    assert client.post(_step(approved_use_case, step), {"text": "x"}).status_code == 403
    assert reload(approved_use_case).workflow_state == "approved"


def _obligation(use_case: UseCase) -> ObligationItem:
    return ObligationItem.objects.filter(use_case=use_case, applies=True).first()


def _obligation_url(use_case: UseCase, item: ObligationItem) -> str:
    return reverse("admin:registry_usecase_obligation", args=[use_case.pk, item.pk])


def test_the_board_marks_an_obligation_done_with_evidence(client, board_member, approved_use_case):
    item = _obligation(approved_use_case)
    client.force_login(board_member)
    assert (
        _obligation_url(approved_use_case, item)
        in client.get(_change(approved_use_case)).content.decode()
    )
    response = client.post(
        _obligation_url(approved_use_case, item),
        {
            "status": "done",
            "reason": "",
            "evidence_url": "https://intranet.example/schulung",
            "evidence_date": "2026-11-30",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.updated_by == board_member
    assert item.evidence_url == "https://intranet.example/schulung"
    assert item.history.first().history_user == board_member


def test_not_applicable_without_a_reason_is_refused(client, board_member, approved_use_case):
    item = _obligation(approved_use_case)
    client.force_login(board_member)
    response = client.post(
        _obligation_url(approved_use_case, item),
        {"status": "not_applicable", "reason": "", "evidence_url": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    item.refresh_from_db()
    assert item.status == "open"


def test_an_obligation_of_another_use_case_is_not_found(
    client, board_member, approved_use_case, other_department_use_case
):
    item = _obligation(approved_use_case)
    client.force_login(board_member)
    url = reverse("admin:registry_usecase_obligation", args=[other_department_use_case.pk, item.pk])
    assert client.get(url).status_code == 404


def test_a_foreign_board_finds_no_obligation(client, foreign_board_member, approved_use_case):
    item = _obligation(approved_use_case)
    client.force_login(foreign_board_member)
    assert client.get(_obligation_url(approved_use_case, item)).status_code == 404


def test_the_auditor_may_not_change_an_obligation(client, auditor, approved_use_case):
    item = _obligation(approved_use_case)
    client.force_login(auditor)
    response = client.post(
        _obligation_url(approved_use_case, item),
        {"status": "done", "reason": "", "evidence_url": ""},
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize("persona", ["department_head", "dpo", "outsider"])
def test_people_outside_the_board_find_no_admin_step(client, request, approved_use_case, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(_step(approved_use_case, "ausser-betrieb"), {"text": "x"})
    # The admin site itself turns away whoever holds no board or auditor role.
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert reload(approved_use_case).workflow_state == "approved"
