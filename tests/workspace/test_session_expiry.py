"""A form posted after the session expired is kept, and saved once the user logs in again."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from registry.models import UseCase

pytestmark = pytest.mark.django_db


def _post_expired(client, use_case):
    return client.post(
        reverse("workspace:step", args=[use_case.pk, "grunddaten"]),
        {
            "title": "Wohngeld-Vorprüfung mit Assistent",
            "short_description": use_case.short_description,
            "purpose": use_case.purpose,
            "status": "pilot",
            "note": "nach der Pause",
            "action": "next",
        },
    )


def test_expired_session_sends_to_login_with_the_resume_address(client, use_case):
    response = _post_expired(client, use_case)
    location = urlparse(response["Location"])
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query)["next"] == [reverse("workspace:resume")]
    use_case.refresh_from_db()
    assert use_case.title == "Wohngeld-Vorprüfung"


def test_posted_data_is_saved_after_logging_in_again(client, department_head, use_case):
    _post_expired(client, use_case)
    client.post(
        reverse("accounts:login"),
        {"username": "head", "password": "pw", "next": reverse("workspace:resume")},
    )
    response = client.get(reverse("workspace:resume"))
    assert response["Location"] == reverse("workspace:step", args=[use_case.pk, "verantwortung"])
    use_case.refresh_from_db()
    assert use_case.title == "Wohngeld-Vorprüfung mit Assistent"
    assert use_case.status == UseCase.Status.PILOT
    assert use_case.history.latest().history_change_reason == (
        "Schritt „Grunddaten“ bearbeitet: nach der Pause"
    )


def test_kept_data_goes_through_the_permission_checks_of_who_logs_in(
    client, other_department_head, use_case
):
    _post_expired(client, use_case)
    client.force_login(other_department_head)
    response = client.get(reverse("workspace:resume"))
    assert response.status_code == 403
    use_case.refresh_from_db()
    assert use_case.title == "Wohngeld-Vorprüfung"


def test_kept_data_with_errors_is_shown_again_in_the_form(client, department_head, use_case):
    client.post(
        reverse("workspace:step", args=[use_case.pk, "grunddaten"]),
        {"title": "", "short_description": "Mein langer Text", "purpose": "x", "status": "idea"},
    )
    client.force_login(department_head)
    response = client.get(reverse("workspace:resume"))
    assert response.status_code == 400
    assert "Mein langer Text" in response.content.decode()


def test_resume_without_kept_data_goes_to_the_overview(client, department_head):
    client.force_login(department_head)
    assert client.get(reverse("workspace:resume"))["Location"] == reverse("workspace:index")


def test_kept_data_for_an_address_outside_the_workspace_is_dropped(client, department_head):
    client.force_login(department_head)
    session = client.session
    session["workspace_pending_post"] = {"path": "/admin/logout/", "data": []}
    session.save()
    response = client.get(reverse("workspace:resume"))
    assert response["Location"] == reverse("workspace:index")
    assert "workspace_pending_post" not in client.session
