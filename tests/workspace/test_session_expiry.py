"""A form posted after the session expired is kept and shown again to the same person only."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from registry.models import UseCase

pytestmark = pytest.mark.django_db


def _expire(client, person, use_case):
    """The person worked in this browser, then the session ended (the browser keeps its cookies)."""
    client.force_login(person)
    client.get(reverse("workspace:step", args=[use_case.pk, "grunddaten"]))
    client.cookies.pop("sessionid")


def _post_expired(client, use_case, person=None):
    if person is not None:
        _expire(client, person, use_case)
    return client.post(
        reverse("workspace:step", args=[use_case.pk, "grunddaten"]),
        {
            "title": "Wohngeld-Vorprüfung mit Assistent",
            "short_description": use_case.short_description,
            "purpose": use_case.purpose,
            "status": "pilot",
            "department": use_case.department_id,
            "responsible_role": use_case.responsible_role,
            "note": "nach der Pause",
            "action": "next",
        },
    )


def test_expired_session_sends_to_login_with_the_resume_address(client, department_head, use_case):
    response = _post_expired(client, use_case, department_head)
    location = urlparse(response["Location"])
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query)["next"] == [reverse("workspace:resume")]
    use_case.refresh_from_db()
    assert use_case.title == "Wohngeld-Vorprüfung"


def test_posted_data_is_shown_again_after_logging_in_and_saved_when_confirmed(
    client, department_head, use_case
):
    _post_expired(client, use_case, department_head)
    client.post(
        reverse("accounts:login"),
        {"username": "head", "password": "pw", "next": reverse("workspace:resume")},
    )
    shown = client.get(reverse("workspace:resume"))
    assert shown.status_code == 200
    page = shown.content.decode()
    assert "Wohngeld-Vorprüfung mit Assistent" in page
    assert "Es ist noch nichts gespeichert" in page
    use_case.refresh_from_db()
    assert use_case.title == "Wohngeld-Vorprüfung"
    # Confirming posts the form as shown, based on the version loaded before the expiry.
    confirmed = client.post(
        reverse("workspace:step", args=[use_case.pk, "grunddaten"]),
        {
            "title": "Wohngeld-Vorprüfung mit Assistent",
            "short_description": use_case.short_description,
            "purpose": use_case.purpose,
            "status": "pilot",
            "department": use_case.department_id,
            "responsible_role": use_case.responsible_role,
            "note": "nach der Pause",
            "action": "next",
            "version": shown.context["version"],
        },
    )
    assert confirmed["Location"] == reverse("workspace:step", args=[use_case.pk, "verantwortung"])
    use_case.refresh_from_db()
    assert use_case.title == "Wohngeld-Vorprüfung mit Assistent"
    assert use_case.status == UseCase.Status.PILOT
    assert use_case.history.latest().history_change_reason == (
        "Schritt „Grunddaten“ bearbeitet: nach der Pause"
    )


def test_kept_data_is_never_shown_to_someone_else_logging_in_in_that_browser(
    client, department_head, other_department_head, use_case
):
    _post_expired(client, use_case, department_head)
    client.force_login(other_department_head)
    response = client.get(reverse("workspace:resume"))
    assert response["Location"] == reverse("workspace:index")
    overview = client.get(response["Location"]).content.decode()
    assert "Wohngeld-Vorprüfung mit Assistent" not in overview
    assert "workspace_pending_post" not in client.session
    use_case.refresh_from_db()
    assert use_case.title == "Wohngeld-Vorprüfung"


def test_a_post_from_a_browser_nobody_was_logged_in_is_not_kept(client, use_case):
    response = _post_expired(client, use_case)
    assert "workspace_pending_post" not in client.session
    assert urlparse(response["Location"]).path == reverse("accounts:login")


def test_kept_data_with_errors_is_shown_again_in_the_form(client, department_head, use_case):
    _expire(client, department_head, use_case)
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
