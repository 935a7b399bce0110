"""My use cases: search, filters and order by GET, errors named, query count flat."""

import pytest
from django.urls import reverse

from governance import services as governance_services
from tests.conftest import make_use_case
from tests.workspace.conftest import MINIMAL_FACTS

pytestmark = pytest.mark.django_db
URL = reverse("workspace:index")


def _listed(response, section="own"):
    return [uc.title for uc in response.context[section].rows]


def test_search_matches_words_of_title_and_purpose_in_both_lists(
    client, department_head, department, other_department_head, other_department
):
    make_use_case(department_head, department, "Wohngeld-Vorprüfung")
    make_use_case(
        department_head, department, "Posteingang", purpose="Anträge auf Wohngeld sortieren"
    )
    make_use_case(department_head, department, "Chatbot")
    make_use_case(other_department_head, other_department, "Wohngeld-Statistik")
    client.force_login(department_head)
    response = client.get(URL, {"q": "wohngeld"})
    assert sorted(_listed(response)) == ["Posteingang", "Wohngeld-Vorprüfung"]
    assert _listed(response, "others") == ["Wohngeld-Statistik"]
    content = response.content.decode()
    assert "3 Anwendungsfälle passen zu Ihrer Suche." in content
    assert "Alle Filter zurücksetzen" in content
    # Every word must match somewhere: two words narrow further.
    assert _listed(client.get(URL, {"q": "wohngeld sortieren"})) == ["Posteingang"]


def test_status_and_risk_class_filters(client, department_head, department):
    classified = make_use_case(department_head, department, "Eingestuft", status="pilot")
    governance_services.classify_use_case(classified, actor=department_head, facts=MINIMAL_FACTS)
    make_use_case(department_head, department, "Offen", status="idea")
    client.force_login(department_head)
    assert _listed(client.get(URL, {"status": "pilot"})) == ["Eingestuft"]
    assert _listed(client.get(URL, {"risiko": "minimal"})) == ["Eingestuft"]
    # "noch nicht eingestuft" is stored as an empty value; the filter has a word for it.
    assert _listed(client.get(URL, {"risiko": "offen"})) == ["Offen"]


def test_department_filter_offers_only_departments_of_the_own_organisation(
    client, department_head, use_case, other_department_use_case, foreign_use_case
):
    client.force_login(department_head)
    response = client.get(URL, {"fachbereich": other_department_use_case.department_id})
    assert _listed(response) == []
    assert _listed(response, "others") == [other_department_use_case.title]
    offered = {d.pk for d in response.context["filter_form"].fields["fachbereich"].queryset}
    assert foreign_use_case.department_id not in offered
    # A department of another organisation is not a choice: named error, nothing filtered.
    refused = client.get(URL, {"fachbereich": foreign_use_case.department_id})
    assert refused.status_code == 200
    content = refused.content.decode()
    assert "Fachbereich:" in content and "gültige Auswahl" in content
    assert _listed(refused) == [use_case.title]
    assert foreign_use_case.title not in content


def test_invalid_values_are_named_and_filter_nothing(client, department_head, use_case):
    client.force_login(department_head)
    response = client.get(URL, {"status": "kaputt", "sortierung": "x", "q": "Wohngeld"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Einige Filter sind ungültig" in content
    assert "Status:" in content and "Sortierung:" in content
    assert _listed(response) == [use_case.title]  # the valid search still applies


def test_needs_my_action_matches_the_rows_todos(
    client, department_head, department, dpo, submitted_use_case
):
    make_use_case(department_head, department, "Entwurf")
    client.force_login(department_head)
    response = client.get(URL, {"handlungsbedarf": "on"})
    rows = response.context["own"].entries
    # The submitted, classified use case has nothing for its head to do; the draft has.
    assert [row.use_case.title for row in rows] == ["Entwurf"]
    assert all(row.todos or row.awaits_my_sign_off for row in rows)
    client.force_login(dpo)
    waiting = client.get(URL, {"handlungsbedarf": "on"}).context["others"].entries
    assert [row.use_case.pk for row in waiting] == [submitted_use_case.pk]
    assert waiting[0].awaits_my_sign_off


def test_order_by_title_and_by_last_change(client, department_head, department):
    make_use_case(department_head, department, "Beta")
    make_use_case(department_head, department, "Alpha")
    make_use_case(department_head, department, "Gamma")
    client.force_login(department_head)
    assert _listed(client.get(URL, {"sortierung": "titel"})) == ["Alpha", "Beta", "Gamma"]
    assert _listed(client.get(URL, {"sortierung": "geaendert"})) == ["Gamma", "Alpha", "Beta"]


def test_paging_keeps_the_filters(client, board_member, department):
    for number in range(27):
        make_use_case(board_member, department, f"Fall {number:02}")
    make_use_case(board_member, department, "Anderes")
    client.force_login(board_member)
    response = client.get(URL, {"q": "Fall", "sortierung": "titel"})
    section = response.context["others"]
    assert section.count == 27
    assert "q=Fall" in section.next_url and "sortierung=titel" in section.next_url
    second = client.get(URL, {"q": "Fall", "sortierung": "titel", "weitere_seite": 2})
    assert _listed(second, "others") == ["Fall 25", "Fall 26"]


def test_filtered_list_query_count_does_not_grow_with_use_cases(
    client, department_head, department, django_assert_max_num_queries
):
    make_use_case(department_head, department, "Erster Fall")
    client.force_login(department_head)
    wanted = {"q": "Fall", "status": "idea", "risiko": "offen", "handlungsbedarf": "on"}
    wanted["fachbereich"] = department.pk
    with django_assert_max_num_queries(30) as few:
        client.get(URL, wanted)
    for number in range(30):
        make_use_case(department_head, department, f"Fall {number}", status="idea")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, wanted)
    assert response.context["own"].count == 31
