"""Guessing passwords: a user name and address that failed too often wait before trying again."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")


def attempt(client, password, *, username="board", address="203.0.113.7"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_fifty_wrong_passwords_lock_out_the_right_one(client, board_member, settings):
    for _ in range(50):
        attempt(client, "falsch")
    response = attempt(client, "pw")
    assert response.status_code == 429
    assert not logged_in(client)
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    assert f"für {settings.AXES_COOLOFF_TIME.seconds // 60} Minuten gesperrt" in (
        response.content.decode()
    )
    assert response["Retry-After"] == str(settings.AXES_COOLOFF_TIME.seconds)


def test_the_lockout_starts_at_the_configured_number_of_failures(client, board_member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "falsch").status_code == 200
    # The limit-th failure is the one that locks.
    assert attempt(client, "falsch").status_code == 429
    assert attempt(client, "pw").status_code == 429


def test_below_the_limit_the_right_password_works_and_resets_the_count(
    client, board_member, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "falsch")
    assert attempt(client, "pw").status_code == 302
    assert logged_in(client)
    assert not AccessAttempt.objects.exists()


def test_after_the_cool_off_the_right_password_works_again(client, board_member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "falsch")
    assert attempt(client, "pw").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    assert attempt(client, "pw").status_code == 302
    assert logged_in(client)


def test_the_lockout_holds_for_the_combination_of_user_name_and_address(
    client, board_member, dpo, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "falsch")
    # Someone else on the same address, and the same person from elsewhere, are not locked out.
    assert attempt(client, "pw", username=dpo.username).status_code == 302
    client.logout()
    assert attempt(client, "pw", address="198.51.100.9").status_code == 302


def test_the_admins_login_address_only_leads_to_the_locked_login_page(
    client, board_member, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "falsch")
    response = client.post(
        "/admin/login/", {"username": "board", "password": "pw"}, REMOTE_ADDR="203.0.113.7"
    )
    # /admin/login/ checks no password itself: it redirects to the login page, which is locked.
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not logged_in(client)
    assert attempt(client, "pw").status_code == 429
