"""German record text in the English interface is marked German (WCAG 3.1.2)."""

import pytest

pytestmark = pytest.mark.django_db


def test_german_record_text_is_marked_german_in_the_english_interface(client, published):
    client.cookies["django_language"] = "en"
    detail = client.get(f"/anwendungsfaelle/{published.use_case_id}/").content.decode()
    assert f'<h1 class="kern-heading-large" lang="de">{published.title}</h1>' in detail
    front = client.get("/").content.decode()
    assert '<h3 class="kern-title" lang="de">' in front
    client.cookies["django_language"] = "de"
    assert 'lang="de">' not in client.get("/").content.decode().split("<body>", 1)[1]
