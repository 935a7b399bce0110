"""The demo municipality shows its Standortbestimmung with a trend, services and measures."""

from io import StringIO

import pytest
from django.core.management import call_command

from maturity.models import (
    AnswererNomination,
    MaturityMeasure,
    ReadinessAssessment,
    ServiceAssessment,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        ReadinessAssessment.history.count(),
        ServiceAssessment.history.count(),
        MaturityMeasure.history.count(),
        AnswererNomination.history.count(),
    )


def test_the_demo_has_two_assessments_over_time_services_measures_and_is_safe_to_run_again():
    call_command("load_demo", stdout=StringIO())
    lindenfeld = ReadinessAssessment.objects.filter(organisation__slug="lindenfeld")
    assert lindenfeld.count() == 2
    older, newer = lindenfeld.order_by("assessed_at")
    assert newer.level_responsibilities > older.level_responsibilities  # a trend to show
    assert ServiceAssessment.objects.filter(organisation__slug="lindenfeld").count() == 3
    assert MaturityMeasure.objects.filter(status="in_progress").count() == 1
    assert all(row.history_change_reason for row in ReadinessAssessment.history.all())
    before = _counts()
    call_command("load_demo", stdout=StringIO())
    assert _counts() == before
