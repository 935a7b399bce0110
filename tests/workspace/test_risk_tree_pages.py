"""The risk step's decision tree as pages without script: one question per page, its answer
saved with the version token, "weiß nicht" leaves the use case unclassified and unsubmittable,
and every persona that may not change the use case is refused the question pages."""

import re

import pytest
from django.urls import reverse

from governance import services as governance_services
from governance.models import UNDETERMINED, ObligationItem, RiskClassification
from registry.models import UseCase
from tests.workspace.conftest import answer_tree

pytestmark = pytest.mark.django_db


def _risk(use_case):
    return reverse("workspace:step", args=[use_case.pk, "risiko"])


def _question(use_case, key):
    return reverse("workspace:risk_question", args=[use_case.pk, key])


def _version(content):
    return re.search(r'name="version" value="([^"]+)"', content).group(1)


def test_a_fresh_record_shows_one_question_and_no_class(client, department_head, use_case):
    client.force_login(department_head)
    content = client.get(_risk(use_case)).content.decode()
    assert "Noch nicht eingestuft." in content
    assert "kein KI-System im Sinne" not in content
    # One question: the first of the tree, posted to its own page, "weiß nicht" offered.
    assert content.count("data-risk-tree-form") == 1
    assert f'action="{_question(use_case, "is_ai_system")}"' in content
    assert 'value="unknown"' in content
    assert "Art. 3 Nr. 1 KI-VO" in content


def test_an_answer_is_saved_with_a_reason_and_the_next_question_follows(
    client, department_head, use_case
):
    client.force_login(department_head)
    version = _version(client.get(_risk(use_case)).content.decode())
    response = client.post(
        _question(use_case, "is_ai_system"),
        {"risk-is_ai_system": "true", "risk-note": "laut Anbieter", "version": version},
    )
    assert response.status_code == 302
    assert response["Location"] == _risk(use_case)
    record = RiskClassification.objects.get(use_case=use_case)
    assert record.facts["answered"] == ["is_ai_system"]
    # Half a tree is no verdict: the use case stays unclassified.
    assert record.risk_class == UNDETERMINED
    use_case.refresh_from_db()
    assert use_case.risk_class == UseCase.RiskClass.UNCLASSIFIED
    assert record.history.latest().history_user == department_head
    content = client.get(_risk(use_case)).content.decode()
    assert f'action="{_question(use_case, "excluded")}"' in content
    assert "Noch nicht eingestuft." in content


def test_an_unanswered_question_is_refused_with_a_german_error(client, department_head, use_case):
    client.force_login(department_head)
    version = _version(client.get(_risk(use_case)).content.decode())
    response = client.post(_question(use_case, "is_ai_system"), {"version": version})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Bitte wählen Sie eine Antwort" in content
    assert 'href="#id_risk-is_ai_system_0"' in content
    assert not RiskClassification.objects.filter(use_case=use_case).exists()


def test_a_stale_answer_is_refused_and_nothing_changes(client, department_head, use_case):
    client.force_login(department_head)
    stale = _version(client.get(_risk(use_case)).content.decode())
    client.post(
        _question(use_case, "is_ai_system"),
        {"risk-is_ai_system": "false", "version": stale},
    )
    response = client.post(
        _question(use_case, "is_ai_system"),
        {"risk-is_ai_system": "true", "version": stale},
    )
    assert response.status_code == 409
    assert "Inzwischen hat jemand anderes" in response.content.decode()
    assert RiskClassification.objects.get(use_case=use_case).facts["is_ai_system"] is False


def test_weiss_nicht_leaves_the_use_case_open_and_it_cannot_be_submitted(
    client, department_head, use_case
):
    client.force_login(department_head)
    answer_tree(client, use_case, {"annex_iii_points": ["unknown"]})
    record = RiskClassification.objects.get(use_case=use_case)
    assert record.risk_class == UNDETERMINED
    assert record.facts["unknown"] == ["annex_iii_points"]
    use_case.refresh_from_db()
    assert use_case.risk_class == UseCase.RiskClass.UNCLASSIFIED
    # No AI Act duty is derived from an open classification; the use case's own ones stay.
    assert not ObligationItem.objects.filter(use_case=use_case, applies=True).exclude(
        obligation__in=["dpia", "staff_council"]
    )
    detail = client.get(reverse("workspace:detail", args=[use_case.pk])).content.decode()
    assert "Risikoeinstufung offen" in detail
    assert "Anhang III" in detail
    assert "Die Risikoeinstufung ist offen" in detail
    response = client.post(reverse("workspace:submit", args=[use_case.pk]), {"note": ""})
    assert response.status_code == 400
    use_case.refresh_from_db()
    assert use_case.workflow_state == UseCase.WorkflowState.DRAFT


def test_answering_the_open_question_settles_the_class(client, department_head, use_case):
    client.force_login(department_head)
    answer_tree(client, use_case, {"annex_iii_points": ["unknown"]})
    content = client.get(_question(use_case, "annex_iii_points")).content.decode()
    assert re.search(r'value="unknown"[^>]*checked', content)
    client.post(
        _question(use_case, "annex_iii_points"),
        {"risk-annex_iii_points": ["4"], "version": _version(content)},
    )
    # Annex III opened the Art. 6(3) question, which now follows before the summary.
    assert f'action="{_question(use_case, "art_6_3_no_significant_risk")}"' in (
        client.get(_risk(use_case)).content.decode()
    )
    answer_tree(client, use_case, {})
    use_case.refresh_from_db()
    assert use_case.risk_class == UseCase.RiskClass.HIGH_RISK


def test_weiss_nicht_with_a_ticked_point_is_refused(client, department_head, use_case):
    client.force_login(department_head)
    answer_tree(client, use_case, {"prohibited_practices": ["unknown"]})
    content = client.get(_question(use_case, "annex_iii_points")).content.decode()
    response = client.post(
        _question(use_case, "annex_iii_points"),
        {"risk-annex_iii_points": ["4", "unknown"], "version": _version(content)},
    )
    assert response.status_code == 400
    assert "Kreuzen Sie entweder" in response.content.decode()


def test_the_summary_shows_the_path_with_links_to_change_each_answer(
    client, department_head, use_case
):
    client.force_login(department_head)
    asked = answer_tree(client, use_case, {"interacts_with_natural_persons": "true"})
    content = client.get(_risk(use_case)).content.decode()
    assert 'data-risk-class="transparency"' in content
    for key in asked:
        assert f'data-path-step="{key}"' in content
        assert f'href="{_question(use_case, key)}"' in content
    assert "Art. 50 Abs. 1 KI-VO" in content
    # The step's own fields follow the summary.
    assert 'name="residual_risk_note"' in content


def test_a_question_off_the_path_sends_back_to_the_tree(client, department_head, use_case):
    client.force_login(department_head)
    answer_tree(client, use_case, {"is_ai_system": "false"})
    response = client.get(_question(use_case, "annex_iii_points"))
    assert response.status_code == 302
    assert response["Location"] == _risk(use_case)
    assert client.get(_question(use_case, "gibt_es_nicht")).status_code == 404


def test_answers_stored_before_the_tree_stay_readable(client, department_head, use_case):
    # The one-page questionnaire stored every question, without "answered".
    governance_services.classify_use_case(
        use_case, actor=department_head, facts={"is_ai_system": True, "annex_iii_points": ["5a"]}
    )
    record = RiskClassification.objects.get(use_case=use_case)
    assert record.facts["answered"] is None
    assert record.risk_class == "high_risk"
    client.force_login(department_head)
    content = client.get(_risk(use_case)).content.decode()
    assert 'data-risk-class="high_risk"' in content
    assert 'data-path-step="annex_iii_points"' in content


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_department_head", 403),
        ("dpo", 403),
        ("auditor", 403),
        ("outsider", 404),
        ("foreign_department_head", 404),
    ],
)
def test_only_who_may_change_the_use_case_opens_or_answers_its_questions(
    client, request, use_case, persona, status
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = _question(use_case, "is_ai_system")
    assert client.get(url).status_code == status
    assert client.post(url, {"risk-is_ai_system": "true"}).status_code == status
    assert not RiskClassification.objects.filter(use_case=use_case).exists()


def test_anonymous_is_sent_to_the_login(client, use_case):
    response = client.get(_question(use_case, "is_ai_system"))
    assert response.status_code == 302
    assert "/konto/" in response["Location"] or "login" in response["Location"]
