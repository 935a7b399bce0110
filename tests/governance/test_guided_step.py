"""A step of the guided form is saved in one transaction: fields, child rows, AI system, answers."""

import pytest
from django.core.exceptions import ValidationError

from governance import services
from governance.models import RiskClassification
from registry.models import AISystem
from tests.governance.conftest import MINIMAL, reload

REASON = "Schritt „Daten“ bearbeitet"


def test_fields_and_child_rows_are_saved_with_the_steps_reason(use_case, department_head):
    changed = services.save_guided_step(
        use_case,
        actor=department_head,
        reason=REASON,
        fields={"retention": "6 Monate"},
        children={"data_sources": [{"name": "Antragsformular"}]},
    )
    assert changed
    use_case = reload(use_case)
    assert use_case.retention == "6 Monate"
    assert [row.name for row in use_case.data_sources.all()] == ["Antragsformular"]
    assert use_case.history.first().history_change_reason == REASON


def test_nothing_to_save_reports_no_change(use_case, department_head):
    history = use_case.history.count()
    assert not services.save_guided_step(use_case, actor=department_head, reason=REASON, fields={})
    assert use_case.history.count() == history


def test_a_new_ai_system_is_recorded_and_chosen(use_case, department_head):
    services.save_guided_step(
        use_case,
        actor=department_head,
        reason=REASON,
        fields={},
        new_ai_system={
            "name": "Textassistent",
            "vendor": "",
            "product": "",
            "model_name": "",
            "technique": AISystem.Technique.GENERATIVE,
            "hosting": AISystem.Hosting.OWN_DATA_CENTRE,
        },
    )
    assert reload(use_case).ai_system.name == "Textassistent"


def test_errors_of_a_new_ai_system_are_reported_under_its_key(use_case, department_head):
    with pytest.raises(ValidationError) as exc:
        services.save_guided_step(
            use_case,
            actor=department_head,
            reason=REASON,
            fields={"retention": "6 Monate"},
            new_ai_system={"name": "x" * 300, "technique": "unknown", "hosting": "unknown"},
        )
    assert f"{services.NEW_AI_SYSTEM}-name" in exc.value.message_dict
    assert reload(use_case).retention == ""


def test_answered_questions_are_classified_in_the_same_step(use_case, department_head):
    assert services.save_guided_step(
        use_case,
        actor=department_head,
        reason=REASON,
        fields={"residual_risk_note": "Gering"},
        facts=MINIMAL,
    )
    assert reload(use_case).risk_class == "minimal"
    # The same answers again change nothing.
    assert not services.save_guided_step(
        use_case, actor=department_head, reason=REASON, fields={}, facts=MINIMAL
    )


def test_invalid_answers_undo_the_fields_of_the_step(use_case, department_head):
    with pytest.raises(ValidationError):
        services.save_guided_step(
            use_case,
            actor=department_head,
            reason=REASON,
            fields={"residual_risk_note": "Gering"},
            facts={"is_ai_system": "ja"},
        )
    assert reload(use_case).residual_risk_note == ""
    assert not RiskClassification.objects.exists()
