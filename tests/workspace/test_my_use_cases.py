"""My use cases: own departments first, others visible apart, nothing of other organisations."""

import pytest
from django.urls import reverse

from tests.conftest import make_use_case
from workspace.views import MY_USE_CASES_PAGE_SIZE

pytestmark = pytest.mark.django_db
URL = reverse("workspace:index")


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_department_head_sees_own_use_cases_apart_from_others(
    client, department_head, use_case, other_department_use_case
):
    client.force_login(department_head)
    response = client.get(URL)
    assert [uc.pk for uc in response.context["own"].rows] == [use_case.pk]
    assert [uc.pk for uc in response.context["others"].rows] == [other_department_use_case.pk]


def test_use_cases_of_other_organisations_are_not_listed(
    client, department_head, use_case, foreign_use_case
):
    client.force_login(department_head)
    response = client.get(URL)
    listed = {uc.pk for section in ("own", "others") for uc in response.context[section].rows}
    assert foreign_use_case.pk not in listed
    assert foreign_use_case.title not in response.content.decode()


def test_draft_tells_the_head_what_to_do_next(client, department_head, use_case):
    client.force_login(department_head)
    content = client.get(URL).content.decode()
    assert "Risikofragebogen beantworten" in content
    assert "Entwurf vervollständigen und zur Prüfung einreichen" in content


def test_reviewer_sees_that_a_use_case_waits_for_the_sign_off(client, dpo, submitted_use_case):
    client.force_login(dpo)
    response = client.get(URL)
    assert response.context["awaiting_count"] == 1
    assert "Ihr Votum wird erwartet" in response.content.decode()


def test_list_query_count_does_not_grow_with_use_cases(
    client, department_head, department, django_assert_max_num_queries
):
    client.force_login(department_head)
    make_use_case(department_head, department, "Erster")
    # 23: one asks whether a source of an adopted use case changed (interop's notice), one
    # whether the person is named to answer a maturity questionnaire (the header's link), one
    # reads the departments the filter offers.
    with django_assert_max_num_queries(23) as few:
        client.get(URL)
    for number in range(10):
        make_use_case(department_head, department, f"Weiterer {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.context["own"].count == 11


def test_person_without_a_role_sees_no_use_cases(client, outsider, use_case):
    client.force_login(outsider)
    response = client.get(URL)
    assert not response.context["own"].rows
    assert not response.context["others"].rows
    assert not response.context["can_create"]


def test_each_section_pages_on_its_own(client, board_member, department, other_department):
    for number in range(MY_USE_CASES_PAGE_SIZE + 2):
        make_use_case(board_member, department, f"Fall {number:02}")
    make_use_case(board_member, other_department, "Anderer Fachbereich")
    client.force_login(board_member)
    response = client.get(URL)
    others = response.context["others"]
    assert len(others.rows) == MY_USE_CASES_PAGE_SIZE
    assert others.count == MY_USE_CASES_PAGE_SIZE + 3
    assert others.next_url == "?weitere_seite=2"
    second = client.get(URL, {"weitere_seite": 2, "seite": 1})
    first_titles = {uc.title for uc in others.rows}
    second_titles = {uc.title for uc in second.context["others"].rows}
    assert len(second_titles) == 3 and not first_titles & second_titles
    assert "weitere_seite=1" in second.context["others"].previous_url
    assert "nächste Seite" in response.content.decode()


def test_a_page_past_the_end_is_not_found(client, department_head, use_case):
    client.force_login(department_head)
    assert client.get(URL, {"seite": 2}).status_code == 404
    assert client.get(URL, {"weitere_seite": "x"}).status_code == 404


def test_query_count_does_not_depend_on_page_or_permissions(
    client, board_member, department, other_department, django_assert_max_num_queries
):
    make_use_case(board_member, department, "Einer")
    client.force_login(board_member)
    with django_assert_max_num_queries(25) as few:
        client.get(URL)
    for number in range(MY_USE_CASES_PAGE_SIZE + 5):
        make_use_case(board_member, other_department, f"Fall {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"weitere_seite": 2})
    assert response.status_code == 200
