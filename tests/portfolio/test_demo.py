"""The demo's pipeline is rated and its running use cases have outcomes before and after."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Organisation
from portfolio import selectors
from portfolio.models import CandidateRating, Measurement

pytestmark = pytest.mark.django_db


def test_the_demo_rates_ideas_and_measures_running_use_cases_and_runs_again():
    call_command("load_demo", stdout=StringIO())
    lindenfeld = Organisation.objects.get(slug="lindenfeld")
    top = selectors.top_candidates(lindenfeld)
    assert top and all(candidate.status == "idea" for candidate in top)
    assert all(candidate.rated for candidate in top)
    assert [c.score for c in top] == sorted((c.score for c in top), reverse=True)
    # One idea supports a service the board assessed: the maturity term counts for it.
    maturity = {
        c.title: item
        for c in selectors.portfolio_of(lindenfeld)
        for item in c.terms
        if item.term.key == "service_maturity"
    }
    assessed = maturity["Vorprüfung von Gewerbeanmeldungen"]
    assert assessed.value == "Stufe 4,0" and assessed.points == 1.0
    assert maturity["Platzvergabe Kindertagesstätten"].value == "keine Leistung bewertet"
    trend = {series.name: series for series in selectors.outcome_trend(lindenfeld)}
    processing = trend["Bearbeitungszeit (Median, Tage)"]
    # Baseline before, latest after: the demo's processing times went down.
    assert processing.baseline is not None and processing.latest is not None
    assert processing.latest < processing.baseline and processing.improved
    assert selectors.outcome_trend(lindenfeld, published_only=True)
    counts = (CandidateRating.history.count(), Measurement.history.count())
    call_command("load_demo", stdout=StringIO())
    assert (CandidateRating.history.count(), Measurement.history.count()) == counts


def test_the_ranking_gives_each_candidate_what_the_database_scores_for_it():
    call_command("load_demo", stdout=StringIO())
    lindenfeld = Organisation.objects.get(slug="lindenfeld")
    ranking = selectors.ranked(lindenfeld)
    candidates = ranking[:]
    assert len(ranking) == len(candidates) > 5
    by_db = {
        use_case.pk: use_case
        for use_case in selectors.scored(selectors._portfolio_queryset(lindenfeld))
    }
    assert {c.use_case_id for c in candidates} == set(by_db)
    for candidate in candidates:
        expected = selectors.scored_use_case(by_db[candidate.use_case_id])
        assert candidate == expected
    # Highest score first; the pages are slices of the same order.
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
    assert ranking[2:4] == candidates[2:4] and ranking[0] == candidates[0]
