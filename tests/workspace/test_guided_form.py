"""The guided form: create a draft, save any step with a reason, errors beside fields."""

import re

import pytest
from django.urls import reverse

from governance.models import RiskClassification
from registry.models import AISystem, UseCase
from tests.workspace.conftest import answer_tree

pytestmark = pytest.mark.django_db

CREATE = reverse("workspace:create")


def _step(use_case, slug):
    return reverse("workspace:step", args=[use_case.pk, slug])


def _identity(department, **overrides):
    data = {
        "title": "Wohngeldanträge vorprüfen",
        "short_description": "Ein Assistent prüft Anträge auf Vollständigkeit.",
        "purpose": "Weniger Rückfragen.",
        "status": "planned",
        "department": department.pk,
        "responsible_role": "Sachgebietsleitung Wohngeld",
        "action": "next",
    }
    return {**data, **overrides}


def test_department_head_creates_a_draft_with_the_first_step(client, department_head, department):
    client.force_login(department_head)
    response = client.post(CREATE, _identity(department, note="Erster Entwurf"))
    use_case = UseCase.objects.get(title="Wohngeldanträge vorprüfen")
    assert response["Location"] == _step(use_case, "verantwortung")
    assert use_case.workflow_state == UseCase.WorkflowState.DRAFT
    latest = use_case.history.latest()
    assert latest.history_user == department_head
    assert latest.history_change_reason == (
        "Anwendungsfall angelegt (Schritt „Grunddaten“): Erster Entwurf"
    )


def test_missing_title_is_shown_beside_the_field_and_in_the_summary(
    client, department_head, department
):
    client.force_login(department_head)
    response = client.post(CREATE, _identity(department, title=""))
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_title_error"' in content
    assert 'href="#id_title"' in content
    assert 'aria-invalid="true"' in content
    # What was typed stays in the form.
    assert "Ein Assistent prüft Anträge auf Vollständigkeit." in content
    assert not UseCase.objects.exists()


def test_reviewer_cannot_create_use_cases(client, dpo):
    client.force_login(dpo)
    assert client.get(CREATE).status_code == 403


def test_department_head_cannot_create_in_another_department(
    client, department_head, department, other_department
):
    client.force_login(department_head)
    response = client.post(CREATE, {**_identity(department), "department": other_department.pk})
    assert response.status_code == 400
    assert not UseCase.objects.exists()


def test_saving_a_step_records_a_german_reason_with_the_note(client, department_head, use_case):
    client.force_login(department_head)
    response = client.post(
        _step(use_case, "daten"),
        {
            "processes_personal_data": "on",
            "data_categories": "Name, Anschrift, Einkommen",
            "retention": "6 Monate",
            "data_sources-TOTAL_FORMS": "1",
            "data_sources-INITIAL_FORMS": "0",
            "data_sources-0-name": "Antragsformular",
            "data_sources-0-register": "Melderegister",
            "note": "laut DSB ergänzt",
            "action": "next",
        },
    )
    assert response["Location"] == _step(use_case, "system")
    use_case.refresh_from_db()
    assert use_case.processes_personal_data
    assert [ds.register for ds in use_case.data_sources.all()] == ["Melderegister"]
    reasons = set(use_case.history.values_list("history_change_reason", flat=True))
    assert "Schritt „Daten“ bearbeitet: laut DSB ergänzt" in reasons


def test_save_as_draft_stays_on_the_step(client, department_head, use_case):
    client.force_login(department_head)
    response = client.post(
        _step(use_case, "eignung"), {"yearly_case_volume": "12000", "action": "save"}
    )
    assert response["Location"] == _step(use_case, "eignung")
    use_case.refresh_from_db()
    assert use_case.yearly_case_volume == 12000


def test_a_removed_legal_basis_row_is_deleted(client, department_head, use_case):
    client.force_login(department_head)
    client.post(
        _step(use_case, "rechtsgrundlage"),
        {
            "legal_bases-TOTAL_FORMS": "1",
            "legal_bases-INITIAL_FORMS": "0",
            "legal_bases-0-law": "DSGVO",
            "legal_bases-0-provision": "Art. 6 Abs. 1 lit. e",
            "action": "save",
        },
    )
    row = use_case.legal_bases.get()
    client.post(
        _step(use_case, "rechtsgrundlage"),
        {
            "legal_bases-TOTAL_FORMS": "2",
            "legal_bases-INITIAL_FORMS": "1",
            "legal_bases-0-id": str(row.pk),
            "legal_bases-0-law": "DSGVO",
            "legal_bases-0-provision": "Art. 6 Abs. 1 lit. e",
            "legal_bases-0-DELETE": "on",
            "action": "save",
        },
    )
    assert not use_case.legal_bases.exists()


def test_invalid_leika_key_is_reported_on_its_row(client, department_head, use_case):
    client.force_login(department_head)
    response = client.post(
        _step(use_case, "leistungen"),
        {
            "public_services-TOTAL_FORMS": "1",
            "public_services-INITIAL_FORMS": "0",
            "public_services-0-leika_key": "123",
            "action": "next",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_public_services-0-leika_key"' in response.content.decode()
    assert not use_case.public_services.exists()


def test_model_rule_errors_name_the_field(client, department_head, use_case):
    client.force_login(department_head)
    response = client.post(
        _step(use_case, "folgenabschaetzungen"),
        {
            "dpia_status": "not_needed",
            "fria_status": "open",
            "security_concept_status": "open",
            "action": "next",
        },
    )
    assert response.status_code == 400
    assert 'id="id_dpia_not_needed_reason_error"' in response.content.decode()


def test_risk_step_stores_the_answers_and_shows_class_and_reasons(
    client, department_head, use_case
):
    client.force_login(department_head)
    answer_tree(client, use_case, {"is_ai_system": "true", "annex_iii_points": ["5a"]})
    use_case.refresh_from_db()
    assert use_case.risk_class == UseCase.RiskClass.HIGH_RISK
    assert RiskClassification.objects.get(use_case=use_case).facts["annex_iii_points"] == ["5a"]
    content = client.get(_step(use_case, "risiko")).content.decode()
    assert 'data-risk-class="high_risk"' in content
    assert "Anhang III" in content
    # The stored answers are shown again, on the question's own page.
    question = client.get(
        reverse("workspace:risk_question", args=[use_case.pk, "annex_iii_points"])
    ).content.decode()
    assert re.search(r'value="5a"[^>]*checked', question)


def test_system_step_registers_a_new_ai_system(client, department_head, use_case):
    client.force_login(department_head)
    response = client.post(
        _step(use_case, "system"),
        {
            "new_system_name": "Antragsassistent",
            "new_system_vendor": "Kommunales Rechenzentrum",
            "new_system_technique": "machine_learning",
            "new_system_hosting": "municipal_it_provider",
            "action": "next",
        },
    )
    assert response.status_code == 302
    use_case.refresh_from_db()
    assert use_case.ai_system == AISystem.objects.get(name="Antragsassistent")
    assert use_case.ai_system.organisation_id == use_case.organisation_id


def test_other_department_head_cannot_open_it_for_editing(client, other_department_head, use_case):
    client.force_login(other_department_head)
    assert client.get(_step(use_case, "grunddaten")).status_code == 403


def test_other_organisation_gets_not_found(client, foreign_department_head, use_case):
    client.force_login(foreign_department_head)
    assert client.get(_step(use_case, "grunddaten")).status_code == 404
    assert client.get(reverse("workspace:detail", args=[use_case.pk])).status_code == 404


def test_unknown_step_is_not_found(client, department_head, use_case):
    client.force_login(department_head)
    assert client.get(_step(use_case, "gibt-es-nicht")).status_code == 404


def test_every_step_renders_for_the_owner(client, department_head, use_case):
    from workspace.steps import STEPS

    client.force_login(department_head)
    for step in STEPS:
        response = client.get(_step(use_case, step.slug))
        assert response.status_code == 200, step.slug
        assert "Notiz zur Änderung" in response.content.decode()


def test_submitting_hands_the_use_case_in_for_review(client, department_head, use_case):
    client.force_login(department_head)
    answer_tree(client, use_case, {"is_ai_system": "true"})
    response = client.post(
        reverse("workspace:submit", args=[use_case.pk]), {"note": "Bitte prüfen"}
    )
    assert response.status_code == 302
    use_case.refresh_from_db()
    assert use_case.workflow_state == UseCase.WorkflowState.SUBMITTED


def test_submitting_without_the_questionnaire_explains_why_not(client, department_head, use_case):
    client.force_login(department_head)
    response = client.post(reverse("workspace:submit", args=[use_case.pk]), {"note": ""})
    assert response.status_code == 400
    assert "Risikofragebogen" in response.content.decode()
    use_case.refresh_from_db()
    assert use_case.workflow_state == UseCase.WorkflowState.DRAFT


def test_reviewer_cannot_submit(client, dpo, use_case):
    client.force_login(dpo)
    response = client.post(reverse("workspace:submit", args=[use_case.pk]), {"note": ""})
    assert response.status_code == 403


def test_every_field_of_a_step_is_on_its_page(client, department_head, use_case):
    from workspace.steps import STEPS

    client.force_login(department_head)
    # The risk step's own fields follow the decision tree's summary, once it reaches a leaf.
    answer_tree(client, use_case, {})
    for step in STEPS:
        content = client.get(_step(use_case, step.slug)).content.decode()
        for name in step.fields:
            assert f'name="{name}"' in content, (step.slug, name)
        for key in step.children:
            assert f'name="{key}-TOTAL_FORMS"' in content, (step.slug, key)
