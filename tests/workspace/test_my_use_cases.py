"""My use cases: own departments first, others visible apart, nothing of other organisations."""

import pytest
from django.urls import reverse

from tests.conftest import make_use_case

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
    assert [uc.pk for uc in response.context["own"]] == [use_case.pk]
    assert [uc.pk for uc in response.context["others"]] == [other_department_use_case.pk]


def test_use_cases_of_other_organisations_are_not_listed(
    client, department_head, use_case, foreign_use_case
):
    client.force_login(department_head)
    response = client.get(URL)
    listed = {uc.pk for uc in response.context["own"] + response.context["others"]}
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
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for number in range(10):
        make_use_case(department_head, department, f"Weiterer {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["own"]) == 11


def test_person_without_a_role_sees_no_use_cases(client, outsider, use_case):
    client.force_login(outsider)
    response = client.get(URL)
    assert response.context["own"] == [] and response.context["others"] == []
    assert not response.context["can_create"]
