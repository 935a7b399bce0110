"""The risk questionnaire is stored with the use case, classified, and kept in its history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from governance import services
from governance.models import ObligationItem, RiskClassification
from governance.risk import RULE_SET_VERSION
from tests.governance.conftest import HIGH_RISK, MINIMAL, TRANSPARENCY, reload


def test_answers_result_reasons_and_rule_set_version_are_stored(use_case, department_head):
    record = services.classify_use_case(use_case, actor=department_head, facts=HIGH_RISK)
    assert record.facts["annex_iii_points"] == ["5a"]
    assert record.facts["role"] == "deployer"  # unanswered questions are stored with their default
    assert record.risk_class == "high_risk"
    assert "art_27_fria" in record.obligations
    assert any("Anhang III Nr. 5 lit. a" in r["article"] for r in record.reasons)
    assert record.rule_set_version == RULE_SET_VERSION
    assert record.classified_by == department_head


def test_classifying_sets_the_use_cases_risk_class_with_history(use_case, department_head):
    services.classify_use_case(use_case, actor=department_head, facts=TRANSPARENCY)
    use_case = reload(use_case)
    assert use_case.risk_class == "transparency"
    newest = use_case.history.first()
    assert newest.risk_class == "transparency"
    assert newest.history_user == department_head


def test_changing_an_answer_reclassifies_and_keeps_the_old_answers_in_history(
    classified_use_case, department_head
):
    services.classify_use_case(classified_use_case, actor=department_head, facts=HIGH_RISK)
    record = RiskClassification.objects.get(use_case=classified_use_case)
    assert record.risk_class == "high_risk"
    assert reload(classified_use_case).risk_class == "high_risk"
    assert [h.risk_class for h in record.history.all()] == ["high_risk", "minimal"]


def test_the_same_answers_again_change_nothing(classified_use_case, department_head):
    services.classify_use_case(classified_use_case, actor=department_head, facts=MINIMAL)
    assert RiskClassification.history.count() == 1


def test_invalid_answers_are_named_and_nothing_is_stored(use_case, department_head):
    with pytest.raises(ValidationError) as exc:
        services.classify_use_case(
            use_case, actor=department_head, facts={"is_ai_system": "ja", "colour": True}
        )
    assert set(exc.value.message_dict) == {"is_ai_system", "colour"}
    assert "true oder false" in exc.value.message_dict["is_ai_system"][0]
    assert not RiskClassification.objects.exists()


def test_each_obligation_becomes_an_open_item(use_case, department_head):
    services.classify_use_case(use_case, actor=department_head, facts=HIGH_RISK)
    items = {i.obligation: i.status for i in ObligationItem.objects.filter(use_case=use_case)}
    # Art. 4 is the organisation's duty, recorded once for it (AiLiteracyMeasure), not per use case.
    assert items == {
        "art_26_deployer_obligations": "open",
        "art_26_11_inform_affected_persons": "open",
        "art_27_fria": "open",
        "art_49_registration": "open",
        "art_86_explanation": "open",
    }


def test_personal_data_adds_a_dpia_item_and_monitoring_a_staff_council_item(
    use_case, department_head
):
    services.change_use_case(
        use_case,
        actor=department_head,
        reason="Daten",
        processes_personal_data=True,
        dpia_status="open",
        monitors_staff=True,
    )
    services.classify_use_case(use_case, actor=department_head, facts=MINIMAL)
    obligations = set(
        ObligationItem.objects.filter(use_case=use_case).values_list("obligation", flat=True)
    )
    assert {"dpia", "staff_council"} <= obligations


def test_an_obligation_that_no_longer_applies_is_kept_but_marked(use_case, department_head):
    services.classify_use_case(use_case, actor=department_head, facts=HIGH_RISK)
    services.classify_use_case(use_case, actor=department_head, facts=MINIMAL)
    fria = ObligationItem.objects.get(use_case=use_case, obligation="art_27_fria")
    assert fria.applies is False
    assert fria.history.count() == 2


def test_a_reviewer_cannot_answer_the_questionnaire(use_case, dpo):
    with pytest.raises(PermissionDenied):
        services.classify_use_case(use_case, actor=dpo, facts=MINIMAL)


def test_another_organisations_use_case_cannot_be_classified(foreign_use_case, department_head):
    with pytest.raises(Http404):
        services.classify_use_case(foreign_use_case, actor=department_head, facts=MINIMAL)


def test_a_dpia_already_done_starts_as_done(use_case, department_head):
    services.change_use_case(
        use_case,
        actor=department_head,
        reason="DSFA",
        processes_personal_data=True,
        dpia_status="done",
        dpia_date=datetime.date(2026, 3, 2),
        dpia_reference="https://dms.example/dsfa-17",
    )
    services.classify_use_case(use_case, actor=department_head, facts=MINIMAL)
    item = ObligationItem.objects.get(use_case=use_case, obligation="dpia")
    assert item.status == "done"
    assert item.evidence_url == "https://dms.example/dsfa-17"
