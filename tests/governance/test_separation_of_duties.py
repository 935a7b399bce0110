"""Separation of duties: nobody reviews their own submission, whatever roles they hold."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts import services as account_services
from accounts.models import Membership
from governance import selectors, services
from governance.models import SignOff
from tests.api.conftest import ApiClient
from tests.governance.conftest import MINIMAL

# Personas who may submit, each given the ISO role on top.
SUBMITTERS = ["department_head", "board_member"]


@pytest.fixture
def submitted_by(request, use_case, department_head):
    """The use case, submitted by the persona, who also holds the ISO role."""
    person = request.getfixturevalue(request.param)
    account_services.grant_role(
        person,
        organisation=use_case.organisation,
        role=Membership.Role.INFORMATION_SECURITY_OFFICER,
        actor=None,
        reason="Testdaten",
    )
    services.classify_use_case(use_case, actor=department_head, facts=MINIMAL)
    services.submit_use_case(use_case, actor=person)
    return person


@pytest.mark.parametrize("submitted_by", SUBMITTERS, indirect=True)
def test_a_submitter_with_a_reviewer_role_cannot_sign_off_their_own_submission(
    submitted_by, use_case
):
    with pytest.raises(PermissionDenied) as exc:
        services.sign_off_use_case(use_case, actor=submitted_by, role="iso", verdict="agree")
    assert "selbst eingereicht" in str(exc.value)
    assert not SignOff.objects.filter(use_case=use_case).exists()


@pytest.mark.parametrize("submitted_by", SUBMITTERS, indirect=True)
def test_their_own_submission_is_not_in_their_inbox(submitted_by, use_case):
    assert list(selectors.awaiting_sign_off(submitted_by)) == []


@pytest.mark.parametrize("submitted_by", SUBMITTERS, indirect=True)
def test_the_api_refuses_their_sign_off_with_403(submitted_by, use_case):
    response = ApiClient(submitted_by).post(
        f"/api/v1/use-cases/{use_case.pk}/sign-off/", {"role": "iso", "verdict": "agree"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("submitted_by", ["department_head"], indirect=True)
def test_another_holder_of_the_role_still_signs_off(submitted_by, use_case, iso):
    assert list(selectors.awaiting_sign_off(iso)) == [use_case]
    services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    assert SignOff.objects.filter(use_case=use_case, signed_by=iso).exists()
