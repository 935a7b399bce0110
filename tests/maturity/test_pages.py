"""Persona × page: who may open and write the maturity pages; others get the same 404."""

import datetime

import pytest
from django.urls import reverse

from maturity import services
from tests.governance.pdf_text import pdf_font_names
from tests.maturity.conftest import answers

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "outsider",
    "department_head",
    "named_department_head",
    "dpo",
    "auditor",
    "board_member",
    "foreign_board_member",
)
# The status each persona gets: 302 is the login page for the anonymous visitor.
BOARD_ONLY = (302, 404, 404, 404, 404, 404, 200, 404)
# The internal audit reads the results, the services and the Fahrplan.
BOARD_AND_AUDIT = (302, 404, 404, 404, 404, 200, 200, 404)
READINESS_ANSWERERS = (302, 404, 404, 200, 404, 404, 200, 404)
SERVICE_READERS = (302, 404, 404, 404, 404, 200, 200, 404)

PAGES = {
    "overview": BOARD_AND_AUDIT,
    "readiness": READINESS_ANSWERERS,
    "services": SERVICE_READERS,
    "measure_create": BOARD_ONLY,
    "measure_edit": BOARD_ONLY,
    "nominations": BOARD_ONLY,
    # The Fahrplan 2027 joins maturity and portfolio and lives in the portfolio app.
    "portfolio:roadmap": BOARD_AND_AUDIT,
    "portfolio:roadmap_pdf": BOARD_AND_AUDIT,
}


@pytest.fixture
def setting(
    organisation,
    board_member,
    department_head,
    other_department_head,
    dpo,
    auditor,
    outsider,
    foreign_board_member,
):
    services.nominate_answerer(
        organisation,
        user=other_department_head,
        scope="readiness",
        actor=board_member,
        reason="Test",
    )
    services.record_readiness_assessment(organisation, answers=answers(), actor=board_member)
    measure = services.create_measure(
        organisation,
        actor=board_member,
        reason="Plan",
        dimension="process_clarity",
        title="Prozesse modellieren",
        owner_role="Hauptamt",
        due_date=datetime.date(2027, 5, 1),
    )
    return {
        "anonymous": None,
        "outsider": outsider,
        "department_head": department_head,
        "named_department_head": other_department_head,
        "dpo": dpo,
        "auditor": auditor,
        "board_member": board_member,
        "foreign_board_member": foreign_board_member,
        "measure": measure,
    }


def _url(name, organisation, measure):
    args = [organisation.slug] + ([measure.pk] if name == "measure_edit" else [])
    return reverse(name if ":" in name else f"maturity:{name}", args=args)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_persona_gets_its_status_on_every_maturity_page(client, setting, organisation, page):
    url = _url(page, organisation, setting["measure"])
    got = []
    for persona in PERSONAS:
        client.logout()
        if setting[persona] is not None:
            client.force_login(setting[persona])
        got.append(client.get(url).status_code)
    assert tuple(got) == PAGES[page], dict(zip(PERSONAS, got, strict=True))


def test_a_named_person_may_write_their_questionnaire_and_nobody_else_may(
    client, setting, organisation
):
    url = reverse("maturity:readiness", args=[organisation.slug])
    client.force_login(setting["named_department_head"])
    response = client.post(url, answers(3))
    assert response.status_code == 302
    client.force_login(setting["department_head"])
    assert client.post(url, answers(1)).status_code == 404
    assert organisation.readiness_assessments.count() == 2


def test_a_post_with_a_missing_answer_is_shown_again_in_german_and_saves_nothing(
    client, setting, organisation
):
    client.force_login(setting["board_member"])
    data = answers(3)
    del data["capacity"]
    response = client.post(reverse("maturity:readiness", args=[organisation.slug]), data)
    assert response.status_code == 200
    assert "Bitte wählen Sie eine Stufe." in response.content.decode()
    assert organisation.readiness_assessments.count() == 1


def test_another_organisations_slug_and_a_foreign_measure_are_404(
    client, setting, organisation, other_organisation
):
    client.force_login(setting["board_member"])
    assert (
        client.get(reverse("portfolio:roadmap", args=[other_organisation.slug])).status_code == 404
    )
    foreign = services.create_measure(
        other_organisation,
        actor=setting["foreign_board_member"],
        reason="Plan",
        dimension="process_clarity",
        title="x",
        owner_role="y",
        due_date=datetime.date(2027, 1, 1),
    )
    url = reverse("maturity:measure_edit", args=[organisation.slug, foreign.pk])
    assert client.get(url).status_code == 404


def test_the_roadmap_pdf_is_a_tagged_pdf_named_for_the_organisation(client, setting, organisation):
    client.force_login(setting["board_member"])
    response = client.get(reverse("portfolio:roadmap_pdf", args=[organisation.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"fahrplan-2027-{organisation.slug}-" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF-")
    assert b"/Metadata" in body  # PDF/UA-1 metadata, as written for the transparency report
    # The site's typeface, as in the transparency report, down to the page numbers.
    names = pdf_font_names(body)
    assert "Fira-Sans" in names and all(name.startswith("Fira-Sans") for name in names), names


def test_the_roadmap_page_shows_obligations_gaps_and_measures_with_the_timeline_and_table(
    client, setting, organisation
):
    client.force_login(setting["board_member"])
    page = client.get(reverse("portfolio:roadmap", args=[organisation.slug])).content.decode()
    assert "Prozesse modellieren" in page
    assert "KI-Kompetenz des Personals (Art. 4 KI-VO)" in page
    assert "<svg" in page and "Termine in zeitlicher Folge" in page


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_roadmap_and_results_pages_do_not_query_more_with_more_use_cases(
    client, setting, organisation, department_head, department, settings
):
    from governance import services as governance_services
    from tests.conftest import make_use_case

    # Computed on every request (tests/portfolio/test_caching.py: kept per version).
    settings.ORGANISATION_CACHE_SECONDS = 0
    client.force_login(setting["board_member"])
    pages = [
        reverse(name, args=[organisation.slug])
        for name in ("portfolio:roadmap", "maturity:overview", "maturity:services")
    ]

    def add_use_case(index):
        case = make_use_case(department_head, department, f"Fall {index}")
        case.public_services.create(leika_key=f"9910700200000{index}")
        governance_services.classify_use_case(
            case, actor=department_head, facts={"is_ai_system": True, "annex_iii_points": ["5a"]}
        )

    add_use_case(0)
    for url in pages:  # the first request of a session reads more (session, caches)
        client.get(url)
    first = [_queries(client, url) for url in pages]
    for index in range(1, 4):
        add_use_case(index)
    assert [_queries(client, url) for url in pages] == first


def test_a_person_named_for_services_assesses_a_service_and_is_offered_nothing_else(
    client, setting, organisation, board_member, department_head, use_case
):
    use_case.public_services.create(leika_key="99107002000000", name="Wohngeld")
    services.nominate_answerer(
        organisation, user=department_head, scope="services", actor=board_member, reason="Amt"
    )
    client.force_login(department_head)
    listing = client.get(reverse("maturity:services", args=[organisation.slug])).content.decode()
    assert "Wohngeld-Vorprüfung" in listing
    assert reverse("maturity:readiness", args=[organisation.slug]) not in listing
    url = reverse("maturity:service_assessment", args=[organisation.slug, "99107002000000"])
    data = dict.fromkeys(
        [
            "service_description",
            "application_process",
            "notification_channel",
            "status_information",
            "electronic_file",
        ],
        "3",
    )
    data |= dict.fromkeys(
        [
            "user_account",
            "authentication",
            "payment",
            "evidence",
            "evidence_retrieval",
            "payment_accounting",
        ],
        "",
    )
    data[f"support_{use_case.pk}"] = ["evidence"]
    assert client.post(url, data).status_code == 302
    record = organisation.service_assessments.get()
    assert record.level == 3
    assert record.use_case_support == {str(use_case.pk): ["evidence"]}
    assert record.history.get().history_user == department_head


def test_the_auditor_reads_results_services_and_fahrplan_without_their_actions(
    client, setting, organisation, use_case
):
    client.force_login(setting["auditor"])
    overview = client.get(reverse("maturity:overview", args=[organisation.slug])).content.decode()
    roadmap = client.get(reverse("portfolio:roadmap", args=[organisation.slug])).content.decode()
    services_page = client.get(
        reverse("maturity:services", args=[organisation.slug])
    ).content.decode()
    for page in (overview, roadmap, services_page):
        assert reverse("maturity:measure_create", args=[organisation.slug]) not in page
        assert reverse("maturity:readiness", args=[organisation.slug]) not in page
        assert reverse("maturity:nominations", args=[organisation.slug]) not in page
        assert reverse("portfolio:roadmap", args=[organisation.slug]) in page
    assert "Prozesse modellieren" in roadmap
    edit = reverse("maturity:measure_edit", args=[organisation.slug, setting["measure"].pk])
    assert edit not in roadmap
    # Nor may the auditor write by sending the forms anyway.
    assert (
        client.post(reverse("maturity:readiness", args=[organisation.slug]), answers(4)).status_code
        == 404
    )
    assert (
        client.post(reverse("maturity:measure_create", args=[organisation.slug]), {}).status_code
        == 404
    )
    assert organisation.readiness_assessments.count() == 1
    # Where the maturity pages are: the index leads the auditor to the results.
    index = client.get(reverse("maturity:index"))
    assert index.status_code == 302
    assert index["Location"] == reverse("maturity:overview", args=[organisation.slug])
