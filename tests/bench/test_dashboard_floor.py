"""The dashboard's floor (bench.instrumentation.DASHBOARD_FLOOR) reads the rows the dashboard
shows: otherwise its ratio in bench/results/ would compare the page with other work."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from bench.instrumentation import DASHBOARD_FLOOR
from governance import selectors, services
from portfolio import selectors as portfolio_selectors
from portfolio import services as portfolio_services
from tests.conftest import make_use_case
from tests.portfolio.conftest import measure, operate

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor_rows():
    if connection.vendor != "postgresql":
        pytest.skip("The benchmark's floors are PostgreSQL's SQL; this leg runs on SQLite.")

    def run(organisation):
        params = {"org": organisation.pk, "today": timezone.localdate()}
        results = []
        with connection.cursor() as cursor:
            for statement in DASHBOARD_FLOOR.split(";"):
                cursor.execute(statement, params)
                results.append(cursor.fetchall())
        return results

    return run


def test_the_floor_reads_the_dashboards_rows(
    floor_rows,
    organisation,
    other_organisation,
    department,
    other_department,
    department_head,
    other_department_head,
    board_member,
    iso,
    foreign_use_case,
):
    waiting = make_use_case(department_head, department, "Wartet auf Entscheidung")
    services.classify_use_case(waiting, actor=department_head, facts={"is_ai_system": True})
    services.submit_use_case(waiting, actor=department_head)
    services.sign_off_use_case(waiting, actor=iso, role="iso", verdict="agree")
    running = operate(
        make_use_case(department_head, department, "Im Betrieb"),
        head=department_head,
        board=board_member,
        iso=iso,
    )
    measure(running, board_member, "processing_time", "baseline", 230, "38")
    measure(running, board_member, "processing_time", "follow_up", 100, "31")
    services.reschedule_review(
        running,
        actor=board_member,
        reason="Nachholen",
        next_review_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    unmeasured = operate(
        make_use_case(other_department_head, other_department, "Ohne Ausgangswert"),
        head=other_department_head,
        board=board_member,
        iso=iso,
    )
    # Personal data: its data protection impact assessment is open until someone does it.
    chatbot = make_use_case(
        department_head, department, "Chatbot", processes_personal_data=True, dpia_status="open"
    )
    services.classify_use_case(chatbot, actor=department_head, facts={"is_ai_system": True})
    for title, benefit in (("Idee A", 4), ("Idee B", 2)):
        idea = make_use_case(other_department_head, other_department, title, status="idea")
        portfolio_services.rate_candidate(idea, actor=board_member, benefit=benefit, effort=3)

    (
        by_state,
        by_risk,
        by_department,
        awaiting,
        overdue,
        obligations,
        decisions,
        reclassified,
        literacy,
        incidents,
        ideas,
        latest,
        quarters,
        indicators,
        todos,
    ) = floor_rows(organisation)

    counts = selectors.dashboard_counts(organisation)
    assert {state: n for state, _label, n in counts["by_state"] if n} == dict(by_state)
    assert sum(n for _risk, n in by_risk) == counts["total"]
    assert [(name, n) for _id, name, n in by_department] == [
        (label, n) for _key, label, n in counts["by_department"]
    ]
    assert [row[0] for row in awaiting] == [
        uc.pk for uc in selectors.awaiting_decision(organisation)
    ]
    assert [row[0] for row in awaiting] == [waiting.pk]
    assert [row[0] for row in overdue] == [uc.pk for uc in selectors.overdue_reviews(organisation)]
    assert [row[0] for row in overdue] == [running.pk]
    page_obligations = list(selectors.open_obligations(organisation)[:20])
    assert [row[0] for row in obligations] == [item.pk for item in page_obligations]
    assert obligations and obligations[0][-1] == selectors.open_obligations(organisation).count()
    assert [row[0] for row in decisions] == [d.pk for d in selectors.recent_decisions(organisation)]
    assert len(decisions) == 2
    assert reclassified == [] and literacy == [] and incidents == []
    ranking = portfolio_selectors.top_candidates(organisation, limit=5)
    assert {row[0] for row in ideas} == {candidate.use_case_id for candidate in ranking}
    assert {(row[0], row[2]) for row in latest} == {
        (running.pk, "baseline"),
        (running.pk, "follow_up"),
    }
    series = portfolio_selectors.organisation_series(organisation)
    assert len([row for row in quarters if row[1] is not None]) == sum(
        len(s.points) for s in series
    )
    assert {row[0] for row in quarters} <= {row[0] for row in indicators}
    assert [row[0] for row in todos] == [
        uc.pk for uc in portfolio_selectors.outcome_todos_in(organisation)[:10]
    ]
    assert unmeasured.pk in [row[0] for row in todos]
    # Nothing of the other organisation.
    assert foreign_use_case.pk not in {
        row[0] for rows in (awaiting, overdue, ideas) for row in rows
    }
