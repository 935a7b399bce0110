"""The front page: search and filters over every published use case, paginated in the query."""

import pytest
from django.db import connection

from accounts.models import Membership, Organisation
from registry import services
from registry.models import AISystem
from registry.public import selectors, views
from tests.conftest import make_person, make_use_case


def test_front_page_lists_published_use_cases_of_all_organisations(
    client, published, foreign_use_case, publish
):
    publish(foreign_use_case)
    html = client.get("/").content.decode()
    assert "Wohngeld-Vorprüfung" in html
    assert "Bürgergeld-Vorprüfung" in html


def test_front_page_does_not_list_unpublished_use_cases(
    client, use_case, other_department_use_case, publish
):
    publish(use_case)
    html = client.get("/").content.decode()
    assert "Chatbot für Bürgerfragen" not in html


def test_search_term_matches_title_description_purpose_department_and_vendor(
    client, board_member, department_head, department, ai_system, publish
):
    publish(make_use_case(department_head, department, "Alpha", purpose="Posteingang sortieren"))
    publish(make_use_case(department_head, department, "Beta", ai_system=ai_system))
    services.update_ai_system(ai_system, actor=board_member, reason="x", vendor="Hersteller Zeta")
    publish(make_use_case(department_head, department, "Gamma", ai_system=ai_system))

    assert "Alpha" in client.get("/", {"q": "posteingang"}).content.decode()
    html = client.get("/", {"q": "zeta"}).content.decode()
    # Beta was published before the vendor changed: the public record keeps what was approved.
    assert "Gamma" in html and "Beta" not in html and "Alpha" not in html
    assert "Alpha" in client.get("/", {"q": "Sozialamt"}).content.decode()


def test_organisation_filter_shows_only_that_organisation(
    client, published, foreign_use_case, publish
):
    publish(foreign_use_case)
    html = client.get("/", {"organisation": "birkenau"}).content.decode()
    assert "Bürgergeld-Vorprüfung" in html
    assert "Wohngeld-Vorprüfung" not in html


def test_department_risk_status_and_technique_filters_narrow_the_list(
    client, department_head, department, other_department, ai_system, publish, board_member
):
    publish(make_use_case(department_head, department, "Hoch", risk_class="high_risk"))
    publish(
        make_use_case(
            department_head,
            department,
            "Minimal",
            risk_class="minimal",
            status="pilot",
            ai_system=ai_system,
        )
    )
    other_head = make_person(
        "other", department.organisation, Membership.Role.DEPARTMENT_HEAD, (other_department,)
    )
    publish(make_use_case(other_head, other_department, "Bürgeramt-Fall"))

    def titles(**params):
        html = client.get("/", params).content.decode()
        return {t for t in ("Hoch", "Minimal", "Bürgeramt-Fall") if f">{t}<" in html}

    assert titles(fachbereich="Bürgeramt") == {"Bürgeramt-Fall"}
    assert titles(risiko="high_risk") == {"Hoch"}
    assert titles(risiko="unclassified") == {"Bürgeramt-Fall"}
    assert titles(status="pilot") == {"Minimal"}
    assert titles(technik=AISystem.Technique.GENERATIVE) == {"Minimal"}


def test_service_filter_matches_leika_prefix_or_ozg_name(
    client, department_head, department, publish
):
    publish(
        make_use_case(
            department_head,
            department,
            "Wohngeld-Assistent",
            children={
                "public_services": [{"leika_key": "99050012000000", "name": "Wohngeld Änderung"}]
            },
        )
    )
    publish(make_use_case(department_head, department, "Ohne Leistung"))
    assert "Wohngeld-Assistent" in client.get("/", {"leistung": "9905"}).content.decode()
    assert "Wohngeld-Assistent" not in client.get("/", {"leistung": "9906"}).content.decode()
    html = client.get("/", {"leistung": "Wohngeld"}).content.decode()
    assert "Wohngeld-Assistent" in html and "Ohne Leistung" not in html


def test_sorting_by_newest_puts_the_latest_publication_first(client, publish_many):
    publish_many(3)
    html = client.get("/", {"sortierung": "newest"}).content.decode()
    assert html.index("Anwendungsfall 002") < html.index("Anwendungsfall 000")


@pytest.mark.parametrize(
    "params",
    [
        {"risiko": "gefährlich"},
        {"organisation": "gibt-es-nicht"},
        {"status": "x"},
        {"sortierung": "zufall"},
        {"organisation": "lindenfeld", "fachbereich": "Geheimamt"},
        {"leistung": "12345678901234567"},
    ],
)
def test_unknown_filter_values_give_a_400_page_naming_the_filter(client, published, params):
    response = client.get("/", params)
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.content.decode()


def test_a_page_beyond_the_last_gives_404(client, published):
    assert client.get("/", {"seite": "2"}).status_code == 404
    assert client.get("/", {"seite": "abc"}).status_code == 404


def test_results_are_paginated_twenty_to_a_page(client, publish_many):
    publish_many(21)
    first = client.get("/").content.decode()
    assert "Anwendungsfall 019" in first and "Anwendungsfall 020" not in first
    second = client.get("/", {"seite": "2"}).content.decode()
    assert "Anwendungsfall 020" in second
    assert "Seite 2 von 2" in second


def test_front_page_query_count_does_not_grow_with_entries(
    client, publish_many, django_assert_max_num_queries
):
    publish_many(1)
    # Organisation choices, newest change, total (cached per register version), one page of rows,
    # the filters' counts and the organisations' counts.
    with django_assert_max_num_queries(6):
        client.get("/")
    publish_many(49)
    with django_assert_max_num_queries(6):
        response = client.get("/")
    assert response.content.decode().count('class="kern-card kern-card--hug') == 20


def test_search_query_count_does_not_grow_with_entries_or_organisations(
    client, publish_many, django_assert_max_num_queries, settings, monkeypatch
):
    monkeypatch.setattr(selectors, "ORGANISATION_SELECT_LIMIT", 0)
    publish_many(1)
    params = {"q": "Anwendungsfall", "organisation": "05999001", "fachbereich": "Sozialamt"}
    # Choices (bounded), the organisation, its departments, newest change, capped count, rows,
    # the filters' counts; on PostgreSQL also the planner's estimate of the matches.
    expected = 8 if connection.vendor == "postgresql" else 7
    with django_assert_max_num_queries(expected):
        client.get("/", params)
    publish_many(49)
    with django_assert_max_num_queries(expected):
        response = client.get("/", params)
    assert response.content.decode().count('class="kern-card kern-card--hug') == 20


def test_organisation_page_shows_contact_and_counts(
    client, published, department_head, department, publish
):
    publish(make_use_case(department_head, department, "Zweiter", risk_class="high_risk"))
    html = client.get("/organisationen/lindenfeld/").content.decode()
    assert "ki@lf.example" in html
    assert "hohes Risiko: 1" in html
    assert "Wohngeld-Vorprüfung" in html


def test_organisation_page_query_count_does_not_grow_with_entries(
    client, publish_many, django_assert_max_num_queries
):
    publish_many(1)
    with django_assert_max_num_queries(8):
        client.get("/organisationen/lindenfeld/")
    publish_many(49)
    with django_assert_max_num_queries(8):
        client.get("/organisationen/lindenfeld/")


def test_organisation_without_published_entries_gives_404(client, organisation, use_case):
    assert client.get("/organisationen/lindenfeld/").status_code == 404


def test_organisation_list_names_organisations_with_entries(client, published, other_organisation):
    html = client.get("/organisationen/").content.decode()
    assert "Stadt Lindenfeld" in html
    assert "Landkreis Birkenau" not in html


def test_organisation_list_is_paginated_in_the_query(
    client, published, foreign_use_case, publish, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(views, "ORGANISATIONS_PAGE_SIZE", 1)
    publish(foreign_use_case)
    # Newest change, organisation count (cached per register version), one page, its counts.
    with django_assert_max_num_queries(4):
        first = client.get("/organisationen/").content.decode()
    assert "Landkreis Birkenau" in first and "Stadt Lindenfeld" not in first
    assert "2 Organisationen" in first and "Seite 1 von 2" in first
    second = client.get("/organisationen/", {"seite": "2"}).content.decode()
    assert "Stadt Lindenfeld" in second and "Landkreis Birkenau" not in second
    assert client.get("/organisationen/", {"seite": "3"}).status_code == 404


def test_organisation_list_searches_name_and_ags(
    client, published, foreign_use_case, publish, django_assert_max_num_queries
):
    publish(foreign_use_case)
    with django_assert_max_num_queries(4):
        by_name = client.get("/organisationen/", {"q": "linden"}).content.decode()
    assert "Stadt Lindenfeld" in by_name and "Landkreis Birkenau" not in by_name
    by_ags = client.get("/organisationen/", {"q": "08999"}).content.decode()
    assert "Landkreis Birkenau" in by_ags and "Stadt Lindenfeld" not in by_ags
    nothing = client.get("/organisationen/", {"q": "Atlantis"}).content.decode()
    assert "Keine Organisation passt zu Ihrer Suche." in nothing


def test_a_small_installation_offers_a_select_of_organisations(
    client, published, foreign_use_case, publish
):
    publish(foreign_use_case)
    html = client.get("/").content.decode()
    assert '<select name="organisation"' in html
    assert '<option value="birkenau">Landkreis Birkenau (1)</option>' in html


def test_a_large_installation_offers_a_text_field_for_the_organisation(
    client, published, monkeypatch
):
    monkeypatch.setattr(selectors, "ORGANISATION_SELECT_LIMIT", 0)
    html = client.get("/").content.decode()
    assert '<input type="text" name="organisation"' in html
    assert "<option" not in html.split('name="organisation"')[1].split("</div>")[0]


@pytest.mark.parametrize(
    "value", ["Stadt Lindenfeld", "stadt lindenfeld", "lindenfeld", "05999001"]
)
def test_the_organisation_text_field_accepts_name_slug_or_ags(
    client, published, foreign_use_case, publish, monkeypatch, value
):
    monkeypatch.setattr(selectors, "ORGANISATION_SELECT_LIMIT", 0)
    publish(foreign_use_case)
    html = client.get("/", {"organisation": value}).content.decode()
    assert "Wohngeld-Vorprüfung" in html
    assert "Bürgergeld-Vorprüfung" not in html


def test_an_unknown_organisation_name_gives_a_400_naming_the_field(client, published, monkeypatch):
    monkeypatch.setattr(selectors, "ORGANISATION_SELECT_LIMIT", 0)
    response = client.get("/", {"organisation": "Atlantis"})
    assert response.status_code == 400
    assert "Organisation: Keine Organisation mit veröffentlichten" in response.content.decode()


def test_an_ambiguous_organisation_name_asks_for_the_ags(
    client, published, foreign_use_case, publish, monkeypatch
):
    monkeypatch.setattr(selectors, "ORGANISATION_SELECT_LIMIT", 0)
    publish(foreign_use_case)
    # Names are not unique across Germany; the AGS is.
    Organisation.objects.filter(slug="birkenau").update(name="Stadt Lindenfeld")
    response = client.get("/", {"organisation": "Stadt Lindenfeld"})
    assert response.status_code == 400
    assert "Gemeindeschlüssel" in response.content.decode()
    assert client.get("/", {"organisation": "08999000"}).status_code == 200


def test_choosing_an_organisation_offers_its_departments_as_a_select(client, published):
    without = client.get("/").content.decode()
    assert '<input type="text" name="fachbereich"' in without
    chosen = client.get("/", {"organisation": "lindenfeld"}).content.decode()
    assert '<select name="fachbereich"' in chosen
    assert '<option value="Sozialamt">Sozialamt</option>' in chosen


def test_a_typed_department_matches_in_any_case(client, published):
    assert "Wohngeld-Vorprüfung" in client.get("/", {"fachbereich": "sozialamt"}).content.decode()
    assert "Wohngeld-Vorprüfung" not in client.get("/", {"fachbereich": "sozial"}).content.decode()


def test_a_broad_search_counts_only_up_to_the_limit_and_still_pages(
    client, publish_many, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 3)
    publish_many(25)
    first = client.get("/", {"q": "Anwendungsfall"}).content.decode()
    assert "Mehr als 3 Anwendungsfälle" in first
    assert 'rel="next"' in first
    second = client.get("/", {"q": "Anwendungsfall", "seite": "2"}).content.decode()
    # The search term is marked in the title.
    assert "Anwendungsfall</mark> 024" in second and "Seite 2<" in second
    assert 'rel="next"' not in second
    assert client.get("/", {"q": "Anwendungsfall", "seite": "3"}).status_code == 404


@pytest.mark.parametrize("ordering", sorted(selectors.ORDERINGS))
def test_a_search_sorting_its_matches_lists_them_as_the_indexed_order_does(
    publish_many, ordering, other_organisation, board_member, monkeypatch
):
    publish_many(6)
    search = selectors.RegisterFilter(query="Anwendungsfall", ordering=ordering)
    monkeypatch.setattr(selectors, "estimated_rows", lambda queryset: None)
    walked = list(selectors.filter_published_use_cases(search).values_list("pk", flat=True))
    monkeypatch.setattr(selectors, "estimated_rows", lambda queryset: 1)
    sorted_matches = selectors.filter_published_use_cases(search)
    assert (
        sorted_matches.query.order_by
        != selectors.published_use_cases().order_by(*selectors.ORDERINGS[ordering]).query.order_by
    )
    assert list(sorted_matches.values_list("pk", flat=True)) == walked
    assert len(walked) == 6


def test_only_a_search_with_few_estimated_matches_sorts_them(publish_many, monkeypatch):
    publish_many(2)
    plain = selectors.filter_published_use_cases(selectors.RegisterFilter())
    assert plain.query.order_by == tuple(selectors.ORDERINGS["title"])
    monkeypatch.setattr(
        selectors, "estimated_rows", lambda queryset: selectors.SORT_MATCHES_LIMIT + 1
    )
    broad = selectors.filter_published_use_cases(selectors.RegisterFilter(query="Anwendungsfall"))
    assert broad.query.order_by == tuple(selectors.ORDERINGS["title"])


def test_the_match_estimate_comes_from_postgresql_only(publish_many):
    publish_many(3)
    estimate = selectors.estimated_rows(selectors.published_use_cases())
    if connection.vendor == "postgresql":
        assert isinstance(estimate, int) and estimate >= 1
    else:
        assert estimate is None


def test_a_search_without_matches_does_not_look_for_rows_twice(
    client, published, django_assert_max_num_queries
):
    from django.core.cache import cache

    client.get("/")
    cache.clear()
    with django_assert_max_num_queries(5) as queries:
        response = client.get("/", {"q": "Gibtesnicht"})
    assert "Gibtesnicht" in response.content.decode()
    assert not any(
        'FROM "registry_publishedusecase"' in q["sql"] and "LIMIT 21" in q["sql"]
        for q in queries.captured_queries
    )
