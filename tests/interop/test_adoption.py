"""Reuse between municipalities: a department head adopts another organisation's published use
case as a draft of their own, and the provenance shows on both public pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interop.models import Adoption
from interop.services import adopt_use_case
from registry.models import UseCase
from registry.publication import publish_use_case


@pytest.fixture
def source(published_register):
    # Lindenfeld's fully described use case; the adopter is Birkenau's department head.
    return published_register[0]


def test_adopting_creates_a_draft_with_the_public_facts_and_the_provenance(
    source, foreign_department_head, foreign_department
):
    use_case = adopt_use_case(source, actor=foreign_department_head, department=foreign_department)
    assert use_case.organisation == foreign_department.organisation
    assert use_case.workflow_state == UseCase.WorkflowState.DRAFT
    assert use_case.title == source.title
    assert use_case.risks_and_mitigations == source.risks_and_mitigations
    assert [b.law for b in use_case.legal_bases.all()] == ["WoGG", "DSGVO"]
    adoption = Adoption.objects.get(use_case=use_case)
    assert adoption.source_organisation == source.organisation
    assert adoption.source_version_at == source.published_at
    reason = use_case.history.earliest().history_change_reason
    assert reason.startswith("Nachnutzung von Stadt Lindenfeld, Fassung vom")
    assert adoption.history.get().history_user == foreign_department_head


def test_own_use_cases_cannot_be_adopted(source, department_head, department):
    with pytest.raises(ValidationError):
        adopt_use_case(source, actor=department_head, department=department)


def test_provenance_shows_on_both_public_pages(
    client, source, foreign_department_head, foreign_department, foreign_board_member
):
    use_case = adopt_use_case(source, actor=foreign_department_head, department=foreign_department)
    source_page = client.get(reverse("registry:use_case", args=[source.use_case_id]))
    # An adopted draft is not public yet: nobody else "uses" it publicly.
    assert "Wird auch genutzt" not in source_page.content.decode()
    publish_use_case(use_case, actor=foreign_board_member, reason="freigegeben")
    adopter = client.get(reverse("registry:use_case", args=[use_case.pk])).content.decode()
    assert "Nachgenutzt von Stadt Lindenfeld, Fassung vom" in adopter
    assert reverse("registry:use_case", args=[source.use_case_id]) in adopter
    source_page = client.get(reverse("registry:use_case", args=[source.use_case_id]))
    assert "Wird auch genutzt von einer weiteren Kommune." in source_page.content.decode()


def test_adopt_page_creates_the_draft_in_the_chosen_department(
    client, source, foreign_department_head, foreign_department
):
    client.force_login(foreign_department_head)
    url = reverse("interop:adopt", args=[source.use_case_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"department": foreign_department.pk})
    assert response.status_code == 302
    assert Adoption.objects.filter(source_id=source.use_case_id).count() == 1


def test_adopt_page_refuses_foreign_departments_and_people_without_one(
    client, source, foreign_department_head, department, dpo
):
    client.force_login(foreign_department_head)
    url = reverse("interop:adopt", args=[source.use_case_id])
    response = client.post(url, {"department": department.pk})
    assert response.status_code == 400
    assert not Adoption.objects.exists()
    client.force_login(dpo)
    assert client.get(url).status_code == 404


def test_unpublished_use_cases_cannot_be_adopted(client, foreign_department_head, use_case):
    client.force_login(foreign_department_head)
    assert client.get(reverse("interop:adopt", args=[use_case.pk])).status_code == 404
