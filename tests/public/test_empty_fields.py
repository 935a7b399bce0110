"""An empty field of a public entry says why it is empty: withheld, not applicable, not recorded."""

from types import SimpleNamespace

import pytest

from registry.public.entry import Absence, why_empty
from tests.conftest import make_use_case

pytestmark = pytest.mark.django_db


def record(**fields):
    values = {
        "withheld": {},
        "risk_class": "minimal",
        "processes_personal_data": None,
        "processes_special_categories": None,
        "dpia_status": "",
        "fria_status": "",
        "interfaces": "",
        "vendor": "Beispiel GmbH",
        "legal_bases": [],
    }
    return SimpleNamespace(**{**values, **fields})


def test_a_field_with_a_value_needs_no_explanation():
    assert why_empty(record(), "vendor") is None


def test_an_empty_field_is_not_yet_recorded():
    assert why_empty(record(), "interfaces") == Absence(Absence.NOT_RECORDED, "noch nicht erfasst")
    assert why_empty(record(), "legal_bases").kind == Absence.NOT_RECORDED


def test_a_withheld_field_names_the_organisations_reason():
    absence = why_empty(record(vendor="", withheld={"ai_system": "Schutz der IT"}), "vendor")
    assert absence == Absence(Absence.WITHHELD, "nicht veröffentlicht: Schutz der IT")


def test_the_fundamental_rights_assessment_is_not_applicable_below_high_risk():
    absence = why_empty(record(risk_class="minimal"), "fria_status")
    assert absence == Absence(
        Absence.NOT_APPLICABLE,
        "entfällt: nur für Hochrisiko-Systeme vorgeschrieben (Art. 27 KI-VO)",
    )
    # High risk, or not yet classified: the assessment may be owed, so it is only missing.
    assert why_empty(record(risk_class="high_risk"), "fria_status").kind == Absence.NOT_RECORDED
    assert why_empty(record(risk_class=""), "fria_status").kind == Absence.NOT_RECORDED


def test_an_open_assessment_that_is_not_owed_is_not_applicable():
    assert why_empty(record(fria_status="open"), "fria_status").kind == Absence.NOT_APPLICABLE
    assert why_empty(record(fria_status="open", risk_class="high_risk"), "fria_status") is None
    assert why_empty(record(fria_status="done"), "fria_status") is None


def test_data_protection_questions_are_not_applicable_without_personal_data():
    without = record(processes_personal_data=False)
    assert why_empty(without, "dpia_status").kind == Absence.NOT_APPLICABLE
    assert why_empty(without, "processes_special_categories").kind == Absence.NOT_APPLICABLE
    assert why_empty(record(), "processes_special_categories").kind == Absence.NOT_RECORDED


def test_a_recorded_false_is_a_value():
    assert why_empty(record(processes_personal_data=False), "processes_personal_data") is None


def test_the_entry_page_says_why_instead_of_keine_angabe(client, published):
    html = client.get(f"/anwendungsfaelle/{published.use_case_id}/").content.decode()
    assert "keine Angabe" not in html
    assert "noch nicht erfasst" in html


def test_the_entry_page_names_the_article_for_an_assessment_that_is_not_owed(
    client, department_head, department, publish
):
    record = publish(make_use_case(department_head, department, "Minimal", risk_class="minimal"))
    # The workflow leaves the assessment "open"; below high risk it is not owed at all.
    assert record.fria_status == "open"
    html = client.get(f"/anwendungsfaelle/{record.use_case_id}/").content.decode()
    assert "entfällt: nur für Hochrisiko-Systeme vorgeschrieben (Art. 27 KI-VO)" in html
