"""The demo's use cases pass through the governance services into varied workflow states."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from governance import selectors
from governance.models import Decision, ObligationItem, RiskClassification, SignOff
from registry.models import PublishedUseCase, UseCase

pytestmark = pytest.mark.django_db


def _load() -> None:
    call_command("load_demo", stdout=StringIO())


def _snapshot() -> tuple:
    return (
        Counter(UseCase.objects.values_list("workflow_state", flat=True)),
        UseCase.history.count(),
        Decision.objects.count(),
        SignOff.objects.count(),
        ObligationItem.history.count(),
        PublishedUseCase.history.count(),
    )


def test_the_demo_spreads_its_use_cases_over_the_workflow():
    _load()
    states = Counter(UseCase.objects.values_list("workflow_state", flat=True))
    assert states["in_operation"] >= 10
    assert states["rejected"] == 1
    assert states["draft"] >= 2
    assert states["submitted"] + states["in_review"] >= 4
    live = states["approved"] + states["in_operation"] + states["retired"]
    assert PublishedUseCase.objects.count() == live


def test_every_classified_demo_use_case_keeps_its_demo_risk_class():
    _load()
    for record in RiskClassification.objects.select_related("use_case"):
        assert record.risk_class == record.use_case.risk_class, record.use_case
    assert RiskClassification.objects.count() == UseCase.objects.exclude(risk_class="").count()
    assert ObligationItem.objects.filter(status="open", applies=True).exists()


def test_the_demo_reviewers_have_use_cases_waiting_for_them():
    _load()
    assert selectors.awaiting_sign_off(User.objects.get(username="dsb")).exists()
    assert selectors.awaiting_sign_off(User.objects.get(username="isb")).exists()
    assert selectors.awaiting_sign_off(User.objects.get(username="personalrat")).exists()


def test_no_demo_decision_was_taken_by_its_submitter():
    _load()
    for decision in Decision.objects.select_related("submission"):
        assert decision.decided_by_id != decision.submission.submitted_by_id


def test_loading_the_demo_twice_changes_nothing():
    _load()
    before = _snapshot()
    _load()
    assert _snapshot() == before
