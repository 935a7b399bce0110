"""The portfolio's pages: who sees what (others get 404), forms that work without JavaScript."""

import datetime

import pytest
from django.utils import timezone

from portfolio import services
from portfolio.models import CandidateRating, Measurement
from tests.conftest import make_use_case
from tests.portfolio.conftest import measure

pytestmark = pytest.mark.django_db

PERSONAS = (
    "outsider",
    "department_head",
    "other_department_head",
    "dpo",
    "auditor",
    "board_member",
    "foreign_board_member",
)


def _status(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    return client.get(url).status_code


# Persona × page: the board sees the portfolio (a foreign board its own organisation's); the
# head of the use case's department its suitability and outcomes; the auditor reads the
# portfolio, suitability and outcomes (the indicators are the board's to manage); everybody
# else the same 404 as for a missing page.
PAGES = {
    "portfolio": (lambda uc: "/gremium/auswahl/", (404, 404, 404, 404, 200, 200, 200)),
    "indicators": (lambda uc: "/gremium/kennzahlen/", (404, 404, 404, 404, 404, 200, 200)),
    "suitability": (
        lambda uc: f"/arbeitsbereich/{uc.pk}/eignung/",
        (404, 200, 404, 404, 200, 200, 404),
    ),
    "outcomes": (
        lambda uc: f"/arbeitsbereich/{uc.pk}/wirkung/",
        (404, 200, 404, 404, 200, 200, 404),
    ),
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_table_says(client, request, use_case, page, persona):
    url_of, row = PAGES[page]
    expected = dict(zip(PERSONAS, row, strict=True))[persona]
    assert _status(client, request, persona, url_of(use_case)) == expected


@pytest.mark.parametrize("page", sorted(PAGES))
def test_anonymous_callers_are_sent_to_the_login(client, use_case, page):
    response = client.get(PAGES[page][0](use_case))
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


def test_a_missing_use_case_is_the_same_404(client, board_member):
    client.force_login(board_member)
    assert client.get("/arbeitsbereich/999999/wirkung/").status_code == 404
    assert client.get("/arbeitsbereich/9999999999999999999/eignung/").status_code == 404


def test_the_portfolio_filters_by_department_without_javascript(
    client, board_member, use_case, other_department_use_case, other_department
):
    client.force_login(board_member)
    everything = client.get("/gremium/auswahl/").content.decode()
    assert use_case.title in everything and other_department_use_case.title in everything
    assert 'role="img"' in everything and '<title id="bubbles-title">' in everything
    narrowed = client.get(f"/gremium/auswahl/?fachbereich={other_department.pk}").content.decode()
    assert other_department_use_case.title in narrowed and use_case.title not in narrowed
    # A department of nobody (or not a number) is a bad request with a message, never a 500.
    bad = client.get("/gremium/auswahl/?fachbereich=abc")
    assert bad.status_code == 400
    assert "Diesen Fachbereich gibt es hier nicht." in bad.content.decode()


def test_another_organisation_named_in_the_address_is_a_404(
    client, board_member, other_organisation, foreign_board_member, use_case
):
    client.force_login(board_member)
    assert (
        client.get(f"/gremium/auswahl/?organisation={other_organisation.slug}").status_code == 404
    )
    client.force_login(foreign_board_member)
    assert use_case.title not in client.get("/gremium/auswahl/").content.decode()


def test_the_suitability_page_explains_each_term_and_saves_a_rating(
    client, department_head, department
):
    idea = make_use_case(
        department_head, department, "Idee", yearly_case_volume=12_000, status="idea"
    )
    client.force_login(department_head)
    page = client.get(f"/arbeitsbereich/{idea.pk}/eignung/").content.decode()
    assert "Fallzahl 12.000/Jahr → +3,0" in page
    bad = client.post(f"/arbeitsbereich/{idea.pk}/eignung/", {"benefit": "9", "effort": "2"})
    assert bad.status_code == 400 and "Erwarteter Nutzen" in bad.content.decode()
    assert not CandidateRating.objects.exists()
    saved = client.post(
        f"/arbeitsbereich/{idea.pk}/eignung/",
        {"benefit": "4", "effort": "2", "note": "viele Fälle", "version": ""},
    )
    assert saved.status_code == 302
    rating = CandidateRating.objects.get()
    assert (rating.benefit, rating.history.get().history_user) == (4, department_head)


def test_the_outcome_page_records_a_measurement_and_shows_its_chart(
    client, running, department_head
):
    client.force_login(department_head)
    url = f"/arbeitsbereich/{running.pk}/wirkung/"
    assert "Ausgangswerte fehlen" in client.get(url).content.decode()
    end = timezone.localdate() - datetime.timedelta(days=210)
    data = {
        "indicator": "processing_time",
        "phase": "baseline",
        "period_start": (end - datetime.timedelta(days=30)).isoformat(),
        "period_end": end.isoformat(),
        "value": "31,5",
        "source": "",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert "Quelle: Dieses Feld ist zwingend erforderlich." in bad.content.decode()
    assert not Measurement.objects.exists()
    assert client.post(url, {**data, "source": "Fachverfahren"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Ausgangswerte fehlen" not in page
    assert "31,5" in page and "Bearbeitungszeit (Median, Tage)" in page
    assert 'role="img"' in page


def test_the_board_publishes_an_indicator_with_a_reason(client, board_member, organisation):
    client.force_login(board_member)
    data = {"publish": "1", "indicator": "processing_time", "is_public": "1", "reason": ""}
    assert client.post("/gremium/kennzahlen/", data).status_code == 400
    response = client.post("/gremium/kennzahlen/", {**data, "reason": "Ratsbeschluss"})
    assert response.status_code == 302
    assert organisation.outcome_indicators.get(kind="processing_time").is_public


def test_the_workspace_summary_and_the_dashboard_show_what_is_due(client, board_member, running):
    client.force_login(board_member)
    assert "Ausgangswerte fehlen" in client.get(f"/arbeitsbereich/{running.pk}/").content.decode()
    dashboard = client.get("/gremium/").content.decode()
    assert "Auswahl und Wirkung" in dashboard and running.title in dashboard


def test_the_dashboard_needs_as_many_queries_for_many_use_cases_as_for_one(
    client, board_member, department_head, department, running, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Computed on every request (tests/portfolio/test_caching.py: kept per version).
    settings.ORGANISATION_CACHE_SECONDS = 0
    measure(running, board_member, "processing_time", "baseline", 210, "30")
    measure(running, board_member, "processing_time", "follow_up", 10, "20")
    client.force_login(board_member)
    client.get("/gremium/")
    with CaptureQueriesContext(connection) as one:
        client.get("/gremium/")
    for i in range(6):
        idea = make_use_case(department_head, department, f"Idee {i}", status="idea")
        services.rate_candidate(idea, actor=board_member, benefit=3, effort=3)
    with CaptureQueriesContext(connection) as more:
        client.get("/gremium/")
    assert len(more) == len(one), [q["sql"] for q in more.captured_queries]


def test_public_outcomes_show_published_indicators_only(client, board_member, running):
    measure(running, board_member, "processing_time", "baseline", 210, "30")
    measure(running, board_member, "staff_hours", "baseline", 210, "400")
    measure(running, board_member, "processing_time", "follow_up", 10, "20")
    url = f"/organisationen/{running.organisation.slug}/wirkung/"
    assert (
        "Es sind noch keine Wirkungskennzahlen veröffentlicht." in client.get(url).content.decode()
    )
    services.set_indicator_publication(
        running.organisation, "processing_time", actor=board_member, is_public=True, reason="Rat"
    )
    page = client.get(url).content.decode()
    assert "Bearbeitungszeit (Median, Tage)" in page and "Personalstunden" not in page
    document = client.get("/daten/wirkung.json").json()
    assert document["schema_version"] == "outcomes-1.0"
    assert {m["indicator"] for m in document["measurements"]} == {"processing_time"}
    # Who entered a value is internal: the open data never names a person.
    assert all("entered_by" not in m for m in document["measurements"])


def test_the_admin_steps_name_the_missing_baseline_and_the_measurement_due(
    client, board_member, running
):
    from governance import services as governance

    client.force_login(board_member)
    review = f"/admin/registry/usecase/{running.pk}/schritt/ueberpruefung/"
    governance.reschedule_review(
        running,
        actor=board_member,
        reason="Termin",
        next_review_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    page = client.get(review).content.decode()
    assert "Ausgangswerte fehlen" in page
    assert "ist eine neue Messung im Betrieb fällig" in page


def test_the_auditor_reads_the_portfolio_suitability_and_outcomes_without_their_forms(
    client, auditor, board_member, running, organisation
):
    measure(running, board_member, "processing_time", "baseline", 210, "30")
    client.force_login(auditor)
    portfolio = client.get("/gremium/auswahl/").content.decode()
    assert running.title in portfolio
    assert "/gremium/kennzahlen/" not in portfolio and "/gremium/?" not in portfolio
    suitability = client.get(f"/arbeitsbereich/{running.pk}/eignung/").content.decode()
    outcomes = client.get(f"/arbeitsbereich/{running.pk}/wirkung/").content.decode()
    assert 'name="benefit"' not in suitability and 'name="value"' not in outcomes
    assert "Verlauf ansehen" in outcomes
    # Sending the forms anyway is refused and records nothing.
    assert (
        client.post(
            f"/arbeitsbereich/{running.pk}/eignung/", {"benefit": "5", "effort": "1", "version": ""}
        ).status_code
        == 403
    )
    assert client.post(f"/arbeitsbereich/{running.pk}/wirkung/", {"value": "1"}).status_code == 403
    assert not CandidateRating.objects.filter(use_case=running).exists()
    assert Measurement.objects.filter(use_case=running).count() == 1
    assert client.post("/gremium/kennzahlen/", {"define": "1", "name": "x"}).status_code == 404


def test_the_ranking_is_paged_with_the_chart_showing_the_same_page(
    client, board_member, department_head, department
):
    for number in range(27):
        make_use_case(department_head, department, f"Idee {number:02d}")
    client.force_login(board_member)
    first = client.get("/gremium/auswahl/").content.decode()
    assert "Rang 1 bis 25 von 27" in first and 'href="?seite=2"' in first
    assert first.count('class="pf-rank"') == 25
    second = client.get("/gremium/auswahl/?seite=2").content.decode()
    assert "Rang 26 bis 27 von 27" in second and second.count('class="pf-rank"') == 2
    # The ranks go on where the first page ended, in the table and on the bubbles.
    assert "<td>26</td>" in second and ">26</text>" in second
    assert client.get("/gremium/auswahl/?seite=3").status_code == 404
    assert client.get("/gremium/auswahl/?seite=x").status_code == 404
