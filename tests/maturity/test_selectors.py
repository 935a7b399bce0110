"""Reads of the maturity pages: fixed query counts, the distribution computed in the database."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Membership
from governance import services as governance_services
from maturity import selectors, services
from maturity.questionnaires import DIMENSIONS
from tests.conftest import make_person, make_use_case
from tests.maturity.conftest import answers

pytestmark = pytest.mark.django_db


def _organisations(count: int, level: int) -> None:
    for index in range(count):
        other = account_services.create_organisation(
            name=f"Gemeinde {index}",
            slug=f"g{index}",
            ags=f"0899{index:04d}",
            actor=None,
            reason="Testdaten",
        )
        board = make_person(f"board{index}", other, Membership.Role.BOARD)
        # An older assessment that a newer one replaces: only the latest counts.
        services.record_readiness_assessment(
            other,
            answers=answers(0),
            actor=board,
            assessed_at=timezone.now() - datetime.timedelta(days=30),
        )
        services.record_readiness_assessment(other, answers=answers(level), actor=board)


def test_the_distribution_is_suppressed_below_five_other_organisations(organisation, assessment):
    _organisations(4, 3)
    assert selectors.distribution(organisation) is None


def test_the_distribution_counts_each_others_latest_assessment_once(
    organisation, assessment, django_assert_num_queries
):
    _organisations(5, 3)
    with django_assert_num_queries(1):
        result = selectors.distribution(organisation)
    assert result is not None
    assert result.organisations == 5  # the own organisation is not among them
    assert result.counts["process_clarity"] == [0, 0, 0, 5, 0]
    row = result.rows(assessment)[1]
    assert row["own"] == 2 and row["above"] == 5 and row["below"] == 0


def test_the_distribution_query_count_does_not_grow_with_organisations(
    organisation, assessment, django_assert_num_queries
):
    _organisations(8, 1)
    with django_assert_num_queries(1):
        selectors.distribution(organisation)


def test_governance_basics_take_three_queries_whatever_the_number_of_use_cases(
    organisation, department_head, department, django_assert_num_queries
):
    for index in range(6):
        make_use_case(department_head, department, f"Fall {index}")
    with django_assert_num_queries(3):
        basics = selectors.governance_basics(organisation)
    assert basics["use_cases"] == 6


def test_services_take_the_same_queries_whatever_the_number_of_use_cases(
    organisation, board_member, department_head, department
):
    counts = []
    for index in range(5):
        case = make_use_case(department_head, department, f"Fall {index}")
        case.public_services.create(leika_key=f"9910700200000{index}")
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.services_of(board_member, organisation)
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts
    assert [r.leika_key for r in rows] == [f"9910700200000{i}" for i in range(5)]


def test_roadmap_obligations_are_counted_in_the_database_and_overdue_when_open(
    organisation, use_case, department_head, django_assert_num_queries
):
    governance_services.classify_use_case(
        use_case,
        actor=department_head,
        facts={"is_ai_system": True, "annex_iii_points": ["5a"]},
    )
    on = datetime.date(2026, 12, 1)
    with django_assert_num_queries(2):
        milestones = selectors.obligation_milestones(organisation, on)
    art_4 = next(m for m in milestones if m.obligation == "art_4_ai_literacy")
    assert art_4.overdue  # in force since 2 February 2025, no measure recorded
    # A high-risk deployer's duties (Art. 26, Art. 27) apply from 2 December 2027: still to come.
    fria = next(m for m in milestones if m.obligation == "art_27_fria")
    assert fria.state == "coming" and fria.open == 1 and not fria.overdue
    assert fria.applies_from == datetime.date(2027, 12, 2)


def test_results_name_what_is_missing_and_the_trend(organisation, board_member):
    services.record_readiness_assessment(
        organisation,
        answers=answers(1),
        actor=board_member,
        assessed_at=timezone.now() - datetime.timedelta(days=90),
    )
    services.record_readiness_assessment(
        organisation, answers=answers(2, e_file=1), actor=board_member
    )
    latest, previous = list(selectors.readiness_assessments(organisation)[:2])
    rows = {row.key: row for row in selectors.results(latest, previous)}
    assert len(rows) == len(DIMENSIONS)
    assert rows["process_clarity"].trend == 1
    assert rows["digital_foundations"].trend == 0
    assert rows["digital_foundations"].missing == [
        "Die E-Akte in allen Fachbereichen mit hohen Fallzahlen einführen."
    ]
