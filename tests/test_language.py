"""German first: pages ignore the browser language; the switch and the API header choose English."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_german_even_for_an_english_browser(client):
    response = client.get("/konto/anmelden/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "de"
    assert "Benutzername" in response.content.decode()


def test_the_language_switch_chooses_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/konto/anmelden/"})
    response = client.get("/konto/anmelden/")
    assert response["Content-Language"] == "en"


def test_the_api_honours_accept_language(client):
    response = client.post(
        "/api/v1/risk-classification/",
        {"colour": "blue"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response["Content-Language"] == "en"


def test_english_dates_read_day_month_year():
    import datetime

    from django.utils import formats, translation

    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 12, 1)) == "1 December 2026"
