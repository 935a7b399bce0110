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


def test_the_entry_body_marks_record_text_german_but_not_the_interfaces_own(client, published):
    client.cookies["django_language"] = "en"
    html = client.get(f"/anwendungsfaelle/{published.use_case_id}/").content.decode()
    assert f'lang="de">{published.short_description}</p>' in html
    assert f'lang="de">{published.purpose}</p>' in html
    assert f'lang="de">{published.responsible_role}</dd>' in html
    # Why a field is empty is the interface's text, in the interface's language.
    assert '<p class="kern-body empty-field">' in html
