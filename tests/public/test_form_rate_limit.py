"""The public forms that send a mail accept only so many posts per client address."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

FEEDBACK_URL = reverse("registry:accessibility_feedback")


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def post(client, message="Der Kontrast ist zu schwach.", **meta):
    return client.post(
        FEEDBACK_URL,
        {"message": message, "page": "/", "email": ""},
        **{"REMOTE_ADDR": "203.0.113.7", **meta},
    )


@override_settings(PUBLIC_FORM_RATE="3/h")
def test_posts_past_the_limit_get_429_send_nothing_and_keep_the_text(client):
    for _ in range(3):
        assert post(client).status_code == 302
    assert len(mail.outbox) == 3
    response = post(client, message="Mein langer Text über die Barriere.")
    assert response.status_code == 429
    assert len(mail.outbox) == 3
    page = response.content.decode()
    assert "Zu viele Nachrichten in kurzer Zeit" in page
    assert "Ihre Rückmeldung wurde nicht gesendet" in page
    assert "Mein langer Text über die Barriere." in page


@override_settings(PUBLIC_FORM_RATE="1/h")
def test_the_limit_is_per_client_address(client):
    assert post(client).status_code == 302
    assert post(client).status_code == 429
    assert post(client, REMOTE_ADDR="198.51.100.9").status_code == 302
    assert len(mail.outbox) == 2


@override_settings(PUBLIC_FORM_RATE="1/h")
def test_a_forged_forwarded_header_does_not_escape_the_limit(client):
    assert post(client, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 302
    assert post(client, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


@override_settings(PUBLIC_FORM_RATE="1/h", TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(client):
    assert post(client, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 302
    assert post(client, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 302
    assert post(client, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


@override_settings(PUBLIC_FORM_RATE="1/h")
def test_reading_the_form_is_not_limited(client):
    assert post(client).status_code == 302
    assert client.get(FEEDBACK_URL, REMOTE_ADDR="203.0.113.7").status_code == 200
