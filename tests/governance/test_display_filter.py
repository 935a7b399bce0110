"""The `display` template filter: a choice's label in the active language, like get_FOO_display."""

from django.utils import translation

from governance.templatetags.governance import display
from registry.models import UseCase


def test_display_gives_the_label_in_the_active_language():
    use_case = UseCase(status=UseCase.Status.IN_OPERATION, risk_class=UseCase.RiskClass.HIGH_RISK)
    with translation.override("de"):
        assert display(use_case, "status") == use_case.get_status_display()
        assert display(use_case, "risk_class") == "hohes Risiko"
    with translation.override("en"):
        assert display(use_case, "risk_class") == use_case.get_risk_class_display()
        assert display(use_case, "risk_class") != "hohes Risiko"


def test_display_gives_an_unknown_value_as_it_is():
    assert display(UseCase(status="gibt-es-nicht"), "status") == "gibt-es-nicht"
