"""The reviewers' inbox: what waits for their sign-off, agree or object with a reason."""

import pytest
from django.urls import reverse

from governance.models import SignOff
from registry.models import UseCase

pytestmark = pytest.mark.django_db
INBOX = reverse("workspace:inbox")


def _sign_off_url(use_case, role):
    return reverse("workspace:sign_off", args=[use_case.pk, role])


def test_dpo_sees_the_submitted_use_case_that_processes_personal_data(
    client, dpo, submitted_use_case
):
    client.force_login(dpo)
    response = client.get(INBOX)
    assert [uc.pk for uc in response.context["use_cases"]] == [submitted_use_case.pk]
    assert _sign_off_url(submitted_use_case, "dpo") in response.content.decode()


def test_staff_council_is_not_asked_when_staff_are_not_monitored(
    client, staff_council, submitted_use_case
):
    client.force_login(staff_council)
    assert client.get(INBOX).context["use_cases"] == []


def test_reviewer_of_another_organisation_sees_nothing(
    client, submitted_use_case, other_organisation
):
    from accounts.models import Membership
    from tests.conftest import make_person

    foreign_dpo = make_person(
        "foreign_dpo", other_organisation, Membership.Role.DATA_PROTECTION_OFFICER
    )
    client.force_login(foreign_dpo)
    assert client.get(INBOX).context["use_cases"] == []
    assert client.get(_sign_off_url(submitted_use_case, "dpo")).status_code == 404


def test_dpo_agrees(client, dpo, submitted_use_case):
    client.force_login(dpo)
    response = client.post(_sign_off_url(submitted_use_case, "dpo"), {"verdict": "agree"})
    assert response["Location"] == INBOX
    sign_off = SignOff.objects.get(use_case=submitted_use_case)
    assert (sign_off.role, sign_off.verdict, sign_off.signed_by) == ("dpo", "agree", dpo)
    submitted_use_case.refresh_from_db()
    assert submitted_use_case.workflow_state == UseCase.WorkflowState.IN_REVIEW


def test_objection_without_reason_is_refused_beside_the_field(client, iso, submitted_use_case):
    client.force_login(iso)
    response = client.post(_sign_off_url(submitted_use_case, "iso"), {"verdict": "object"})
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    assert not SignOff.objects.exists()


def test_objection_with_reason_is_recorded(client, iso, submitted_use_case):
    client.force_login(iso)
    client.post(
        _sign_off_url(submitted_use_case, "iso"),
        {"verdict": "object", "reason": "Kein Sicherheitskonzept."},
    )
    assert SignOff.objects.get().reason == "Kein Sicherheitskonzept."


def test_department_head_cannot_sign_off(client, department_head, submitted_use_case):
    client.force_login(department_head)
    assert client.get(_sign_off_url(submitted_use_case, "dpo")).status_code == 403
    response = client.post(_sign_off_url(submitted_use_case, "dpo"), {"verdict": "agree"})
    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_unknown_role_is_refused(client, dpo, submitted_use_case):
    client.force_login(dpo)
    assert client.get(_sign_off_url(submitted_use_case, "board")).status_code == 403


def test_inbox_query_count_does_not_grow(
    client, dpo, department_head, department, django_assert_max_num_queries
):
    from tests.conftest import make_use_case
    from tests.workspace.conftest import classify_and_submit

    def add(title):
        classify_and_submit(
            make_use_case(
                department_head,
                department,
                title,
                processes_personal_data=True,
                dpia_status="done",
                dpia_not_needed_reason="",
            ),
            department_head,
        )

    add("Eins")
    client.force_login(dpo)
    with django_assert_max_num_queries(20) as few:
        client.get(INBOX)
    for n in range(5):
        add(f"Mehr {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INBOX)
    assert len(response.context["use_cases"]) == 6
