"""Outcome trends, series and to-dos: right numbers, a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from governance import services as governance
from portfolio import selectors, services
from registry.publication import publish_use_case
from tests.conftest import make_use_case
from tests.portfolio.conftest import measure, operate

pytestmark = pytest.mark.django_db


def _running(n, *, department, head, board, iso, start=0):
    cases = []
    for i in range(start, start + n):
        use_case = make_use_case(head, department, f"Betrieb {i}")
        cases.append(operate(use_case, head=head, board=board, iso=iso))
    return cases


def _measured(cases, board):
    for i, use_case in enumerate(cases):
        measure(use_case, board, "processing_time", "baseline", 230, str(40 + i))
        measure(use_case, board, "processing_time", "follow_up", 100, str(35 + i))
        measure(use_case, board, "processing_time", "follow_up", 10, str(30 + i))
        measure(use_case, board, "case_volume", "baseline", 230, "100")
        measure(use_case, board, "case_volume", "follow_up", 10, "120")


def test_the_trend_compares_baseline_and_latest_over_use_cases(
    department, department_head, board_member, iso
):
    cases = _running(2, department=department, head=department_head, board=board_member, iso=iso)
    _measured(cases, board_member)
    trend = {s.name: s for s in selectors.outcome_trend(department.organisation)}
    time = trend["Bearbeitungszeit (Median, Tage)"]
    # Times are averaged over the use cases (40 and 41 → 40.5; latest 30 and 31 → 30.5) ...
    assert (time.baseline, time.latest, time.use_cases) == (40.5, 30.5, 2)
    assert time.improved is True and time.change_percent == pytest.approx(-24.7)
    # ... volumes are summed, and more cases is better.
    volume = trend["Fallzahl im Zeitraum"]
    assert (volume.baseline, volume.latest, volume.improved) == (200, 240, True)


def test_published_trend_holds_only_public_indicators_of_published_use_cases(
    department, department_head, board_member, iso
):
    cases = _running(2, department=department, head=department_head, board=board_member, iso=iso)
    _measured(cases, board_member)
    organisation = department.organisation
    assert selectors.outcome_trend(organisation, published_only=True) == []
    services.set_indicator_publication(
        organisation, "processing_time", actor=board_member, is_public=True, reason="Rat"
    )
    published = selectors.outcome_trend(organisation, published_only=True)
    # Both use cases went into operation and so are published; only the public indicator shows.
    assert [(s.name, s.use_cases) for s in published] == [("Bearbeitungszeit (Median, Tage)", 2)]
    governance.retire_use_case(cases[0], actor=board_member, reason="Ende")
    assert selectors.public_measurements(organisation).count() == 6


def test_trend_and_series_run_a_fixed_number_of_queries(
    department, department_head, board_member, iso, django_assert_num_queries
):
    cases = _running(1, department=department, head=department_head, board=board_member, iso=iso)
    _measured(cases, board_member)
    organisation = department.organisation
    with django_assert_num_queries(2):
        selectors.outcome_trend(organisation)
    with django_assert_num_queries(2):
        selectors.organisation_series(organisation)
    with django_assert_num_queries(1):
        list(selectors.outcome_todos_in(organisation))
    more = _running(
        4, department=department, head=department_head, board=board_member, iso=iso, start=1
    )
    _measured(more, board_member)
    with django_assert_num_queries(2):
        assert selectors.outcome_trend(organisation)[0].use_cases == 5
    with django_assert_num_queries(2):
        assert selectors.organisation_series(organisation)[0].use_cases == 5
    with django_assert_num_queries(1):
        list(selectors.outcome_todos_in(organisation))


def test_a_baseline_is_asked_for_from_the_approval_and_a_measurement_with_each_review(
    running, board_member
):
    todos = selectors.outcome_todos_of(running)
    assert todos.baseline_missing
    measure(running, board_member, "processing_time", "baseline", 210, "30")
    assert not selectors.outcome_todos_of(running).baseline_missing
    # The review is due in 20 days and nothing was measured since the start: due.
    governance.reschedule_review(
        running,
        actor=board_member,
        reason="Termin",
        next_review_date=timezone.localdate() + datetime.timedelta(days=20),
    )
    todos = selectors.outcome_todos_of(running)
    assert todos.measurement_due and todos.review_date is not None
    measure(running, board_member, "processing_time", "follow_up", 5, "25")
    assert not selectors.outcome_todos_of(running)


def test_a_draft_asks_for_nothing(use_case):
    assert not selectors.outcome_todos_of(use_case)


def test_the_series_of_a_use_case_has_its_points_in_time_order(running, board_member):
    measure(running, board_member, "follow_up_rate", "follow_up", 10, "0.9")
    measure(running, board_member, "follow_up_rate", "baseline", 210, "1.6")
    (series,) = selectors.series_of(list(selectors.measurements_of(running)))
    assert [(value, phase) for _day, value, phase in series.points] == [
        (Decimal("1.60"), "baseline"),
        (Decimal("0.90"), "follow_up"),
    ]
    assert series.change_percent == pytest.approx(-43.8)


def test_an_unpublished_use_case_shows_nothing_publicly(use_case, board_member):
    services.set_indicator_publication(
        use_case.organisation, "processing_time", actor=board_member, is_public=True, reason="Rat"
    )
    services.record_measurement(
        use_case,
        actor=board_member,
        indicator="processing_time",
        phase="baseline",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        value="3",
        source="Fachverfahren",
    )
    assert not selectors.public_measurements().exists()
    publish_use_case(use_case, actor=board_member, reason="veröffentlicht")
    assert selectors.public_measurements().count() == 1


def test_the_organisation_series_aggregates_each_quarter_over_the_use_cases(
    department, department_head, board_member, iso
):
    cases = _running(3, department=department, head=department_head, board=board_member, iso=iso)
    _measured(cases[:2], board_member)
    # A second value in one quarter: that use case counts with its mean of the quarter.
    measure(cases[0], board_member, "processing_time", "follow_up", 12, "34")
    # One use case measures its time only: it counts for that indicator.
    measure(cases[2], board_member, "processing_time", "baseline", 230, "50")
    series = {s.name: s for s in selectors.organisation_series(department.organisation)}
    time = series["Bearbeitungszeit (Median, Tage)"]
    volume = series["Fallzahl im Zeitraum"]
    assert (time.use_cases, volume.use_cases) == (3, 2)

    def quarter(days_ago):
        day = timezone.localdate() - datetime.timedelta(days=days_ago)
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)

    points = {day: (value, phase) for day, value, phase in time.points}
    # Times are averaged over the use cases: baselines 40, 41 and 50.
    assert points[quarter(230)] == (Decimal("43.67"), "baseline")
    if quarter(100) != quarter(10):
        assert points[quarter(100)] == (Decimal("35.50"), "follow_up")
    if quarter(10) == quarter(12) != quarter(100):
        # The first use case's mean of the quarter (30 and 34: 32) with the second's 31.
        assert points[quarter(10)] == (Decimal("31.50"), "follow_up")
    # Volumes are summed over the use cases.
    assert {day: value for day, value, _phase in volume.points} == {
        quarter(230): Decimal("200"),
        quarter(10): Decimal("240"),
    }
    assert [day for day, _value, _phase in time.points] == sorted(points)
