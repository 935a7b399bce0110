"""After login each role starts at its task; the header names the person and offers only what
their role can use; a refused page is German, in the site's layout, with a way back."""

import pytest

pytestmark = pytest.mark.django_db


def log_in(client, username, next_path=""):
    data = {"username": username, "password": "pw", "next": next_path}
    return client.post("/konto/anmelden/", data)


def landing(client, username):
    response = log_in(client, username)
    return client.get(response["Location"])["Location"]


def test_board_lands_on_its_dashboard(client, board_member):
    assert landing(client, "board") == "/gremium/"


def test_department_head_lands_in_the_workspace(client, department_head):
    assert landing(client, "head") == "/arbeitsbereich/"


def test_reviewer_lands_in_the_workspace(client, dpo):
    assert landing(client, "dpo") == "/arbeitsbereich/"


def test_auditor_lands_on_the_read_only_workspace_list_not_a_403(client, auditor):
    assert landing(client, "auditor") == "/arbeitsbereich/"
    assert client.get("/arbeitsbereich/").status_code == 200


def test_a_person_without_a_role_lands_on_the_public_register(client, outsider):
    assert landing(client, "outsider") == "/"


def test_an_explicit_next_address_wins_over_the_landing(client, board_member):
    assert log_in(client, "board", "/arbeitsbereich/")["Location"] == "/arbeitsbereich/"


def test_header_names_the_person_role_and_organisation(client, department_head, organisation):
    client.force_login(department_head)
    content = client.get("/").content.decode()
    assert "Angemeldet: head" in content
    assert f"Fachbereichsleitung ({organisation.name})" in content


def test_auditor_is_not_offered_links_their_role_cannot_use(client, auditor):
    client.force_login(auditor)
    content = client.get("/arbeitsbereich/").content.decode()
    assert 'href="/arbeitsbereich/neu/"' not in content
    assert 'href="/arbeitsbereich/pruefungen/"' not in content
    assert 'href="/gremium/"' not in content


def test_reviewer_is_offered_the_inbox_not_the_create_form(client, dpo):
    client.force_login(dpo)
    content = client.get("/arbeitsbereich/").content.decode()
    assert 'href="/arbeitsbereich/pruefungen/"' in content
    assert 'href="/arbeitsbereich/neu/"' not in content


def test_a_refused_page_is_german_in_the_site_layout_with_a_way_back(client, auditor):
    client.force_login(auditor)
    response = client.get("/gremium/")
    assert response.status_code == 403
    content = response.content.decode()
    assert "Kein Zugriff auf diese Seite" in content
    assert 'href="/arbeitsbereich/start/"' in content
    assert "Erklärung zur Barrierefreiheit" in content  # the site's footer
