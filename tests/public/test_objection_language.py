"""The objection page marks the record's German text in the English interface (WCAG 3.1.2)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_objection_page_marks_the_records_own_text_german(client, published):
    url = f"/anwendungsfaelle/{published.use_case_id}/widerspruch/"
    assert 'lang="de"' not in client.get(url).content.decode().split("<body>", 1)[1]
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert f'lang="de">{published.title}</a>' in html
    assert f'lang="de">{published.responsible_role}' in html
