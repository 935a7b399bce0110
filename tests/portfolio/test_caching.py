"""The board's dashboard keeps its section "Auswahl und Wirkung" per version of the
organisation's records (portfolio.caching): computed once, never served after a change."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from governance import services as governance_services
from ledger.selectors import organisation_version
from maturity import services as maturity_services
from maturity.questionnaires import ASKED_CRITERIA
from portfolio import services
from registry import services as registry_services
from tests.conftest import make_use_case
from tests.portfolio.conftest import measure

DASHBOARD = "/gremium/"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
SECTION = re.compile(
    r'<section class="dashboard-section" aria-labelledby="portfolio-heading">.*?</section>', re.S
)


@pytest.fixture
def idea(board_member, department_head, department):
    idea = make_use_case(
        department_head, department, "Vorprüfung von Gewerbeanmeldungen", status="idea"
    )
    registry_services.set_use_case_children(
        idea,
        actor=department_head,
        reason="Leistung",
        key="public_services",
        rows=[{"leika_key": "99050012104000", "name": "Gewerbe anmelden"}],
    )
    services.rate_candidate(idea, actor=board_member, benefit=3, effort=3)
    return idea


def _section(client) -> str:
    found = SECTION.search(client.get(DASHBOARD).content.decode())
    assert found, "the dashboard has no section Auswahl und Wirkung"
    return found.group(0)


def _computed_afresh(client, settings) -> str:
    seconds = settings.ORGANISATION_CACHE_SECONDS
    settings.ORGANISATION_CACHE_SECONDS = 0
    try:
        return _section(client)
    finally:
        settings.ORGANISATION_CACHE_SECONDS = seconds


def test_the_section_is_computed_once_per_version(client, board_member, idea, settings):
    settings.ORGANISATION_CACHE_SECONDS = 0
    client.force_login(board_member)
    _section(client)  # the session's first request does more than the page
    settings.ORGANISATION_CACHE_SECONDS = 600
    with CaptureQueriesContext(connection) as first:
        section = _section(client)
    with CaptureQueriesContext(connection) as again:
        assert _section(client) == section
    # The section's own queries (top ideas, trend, series, measurements due) are not run again;
    # reading the version costs one.
    assert len(again) <= len(first) - 3
    assert not any("portfolio_candidaterating" in q["sql"] for q in again.captured_queries)
    assert section == _computed_afresh(client, settings)


def _rate(idea, board_member, **_):
    services.rate_candidate(idea, actor=board_member, benefit=5, effort=1, reason="neu")


def _rename(idea, board_member, **_):
    governance_services.change_use_case(
        idea, actor=board_member, reason="Titel", title="Vorprüfung der Gewerbeanzeigen"
    )


def _rename_department(idea, board_member, **_):
    account_services.update_department(
        idea.department, actor=board_member, reason="neu geordnet", name="Ordnungsamt Nord"
    )


def _add_register(idea, board_member, **_):
    registry_services.set_use_case_children(
        idea,
        actor=board_member,
        reason="Once-Only",
        key="data_sources",
        rows=[{"name": "Gewerberegister", "register": "Gewerberegister"}],
    )


def _assess_service(idea, board_member, **_):
    maturity_services.record_service_assessment(
        idea.organisation,
        leika_key="99050012104000",
        answers={criterion.key: 6 for criterion in ASKED_CRITERIA},
        use_case_support={},
        actor=board_member,
        reason="Standortbestimmung",
    )


def _measure(idea, board_member, running, **_):
    measure(running, board_member, "processing_time", "baseline", 210, "30")


@pytest.mark.parametrize(
    "change", [_rate, _rename, _rename_department, _add_register, _assess_service, _measure]
)
def test_every_change_of_what_the_section_shows_is_shown_at_once(
    client, board_member, idea, running, settings, change
):
    settings.ORGANISATION_CACHE_SECONDS = 600
    client.force_login(board_member)
    before = _section(client)
    assert _section(client) == before  # kept
    version = organisation_version(idea.organisation_id)
    change(idea, board_member, running=running)
    assert organisation_version(idea.organisation_id) != version
    after = _section(client)
    assert after != before
    assert after == _computed_afresh(client, settings)


def test_another_organisations_change_keeps_the_section(
    client,
    board_member,
    idea,
    foreign_board_member,
    foreign_department_head,
    foreign_department,
    settings,
):
    settings.ORGANISATION_CACHE_SECONDS = 600
    client.force_login(board_member)
    _section(client)
    version = organisation_version(idea.organisation_id)
    make_use_case(foreign_department_head, foreign_department, "Fremde Idee", status="idea")
    assert organisation_version(idea.organisation_id) == version
    with CaptureQueriesContext(connection) as queries:
        _section(client)
    assert not any("portfolio_candidaterating" in q["sql"] for q in queries.captured_queries)


def test_each_language_is_kept_apart(client, board_member, idea, settings):
    settings.ORGANISATION_CACHE_SECONDS = 600
    client.force_login(board_member)
    german = _section(client)
    client.cookies["django_language"] = "en"
    english = _section(client)
    assert "Beste Ideen nach Eignung" in german
    assert "Beste Ideen nach Eignung" not in english


def test_without_a_cache_the_section_is_computed_every_time(client, board_member, idea, settings):
    settings.ORGANISATION_CACHE_SECONDS = 0
    client.force_login(board_member)
    _section(client)  # the session's first request does more than the page
    with CaptureQueriesContext(connection) as first:
        section = _section(client)
    with CaptureQueriesContext(connection) as again:
        assert _section(client) == section
    assert len(again) == len(first)


def test_the_version_is_the_organisations_own_and_moves_with_each_change(
    board_member, idea, other_organisation
):
    version = organisation_version(idea.organisation_id)
    assert version is not None and len(version) == 32
    assert organisation_version(other_organisation.pk) != version
    services.rate_candidate(idea, actor=board_member, benefit=1, effort=1, reason="neu")
    assert organisation_version(idea.organisation_id) != version


def test_the_portfolio_ranking_is_kept_per_version_and_follows_each_change(
    client, board_member, idea, settings
):
    settings.ORGANISATION_CACHE_SECONDS = 600
    client.force_login(board_member)
    url = f"/gremium/auswahl/?organisation={idea.organisation.slug}"

    def page() -> str:  # without the form's token, which differs on every request
        return CSRF_TOKEN.sub("", client.get(url).content.decode())

    page()
    with CaptureQueriesContext(connection) as again:
        before = page()
    assert not any("portfolio_candidaterating" in q["sql"] for q in again.captured_queries)
    _rate(idea, board_member)
    after = page()
    assert after != before
    settings.ORGANISATION_CACHE_SECONDS = 0
    assert page() == after
