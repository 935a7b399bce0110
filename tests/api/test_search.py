"""`?search=` at scale: an indexed full-text search, and sorted matches when they are few."""

import pytest
from django.db import connection

from registry.api import filters
from registry.models import PublishedUseCase
from registry.publication import publish_use_case
from tests.api.conftest import ApiClient
from tests.conftest import make_use_case

URL = "/api/v1/public/use-cases/"


@pytest.fixture
def published_many(board_member, department):
    titles = ["Chatbot Bürgeramt", "Chatbot Wohngeld", "Übersetzung Bescheide", "Chatbot Abfall"]
    titles += [f"Chatbot Nummer {n}" for n in range(5)]
    for title in titles:
        use_case = make_use_case(
            board_member, department, title, short_description="Hilfe im Alltag"
        )
        publish_use_case(use_case, actor=board_member, reason="frei")
    return titles


def _all_pages(url: str) -> list[str]:
    client = ApiClient()
    titles: list[str] = []
    while url:
        body = client.get(url).json()
        titles += [row["title"] for row in body["results"]]
        url = body["next"]
    return titles


@pytest.mark.parametrize("ordering", ["title", "-title", "published_at", "-published_at"])
def test_sorted_matches_page_like_the_indexed_order(published_many, monkeypatch, ordering):
    url = f"{URL}?search=Chatbot&page_size=2&ordering={ordering}"
    monkeypatch.setattr(filters, "sorts_matches", lambda request, queryset: False)
    walked = _all_pages(url)
    monkeypatch.setattr(filters, "sorts_matches", lambda request, queryset: True)
    from django.core.cache import cache

    cache.clear()
    sorted_pages = _all_pages(url)
    assert sorted_pages == walked
    assert len(walked) == 8 and "Übersetzung Bescheide" not in walked


def test_only_a_search_decides_on_sorting(published_many, rf):
    from rest_framework.request import Request

    plain = Request(rf.get(URL))
    assert filters.sorts_matches(plain, PublishedUseCase.objects.all()) is False
    searched = Request(rf.get(URL, {"search": "Chatbot"}))
    expected = connection.vendor == "postgresql"  # the estimate exists only there
    assert filters.sorts_matches(searched, PublishedUseCase.objects.all()) is expected


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the full-text index exists on PostgreSQL only"
)
def test_the_public_search_uses_the_full_text_index(published_many, rf):
    from types import SimpleNamespace

    from rest_framework.request import Request

    from registry.api.views import PublicUseCaseViewSet

    view = SimpleNamespace(search_fields=PublicUseCaseViewSet.search_fields)
    request = Request(rf.get(URL, {"search": "Chatbot"}))
    queryset = filters.FullTextSearchFilter().filter_queryset(
        request, PublishedUseCase.objects.all(), view
    )
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        # On a table this small the planner would rather scan; a bitmap scan is the only way
        # left, and it exists only if the index's expression is the search's vector.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "published_fulltext_idx" in plan, plan


def test_a_hyphenated_word_is_searched_as_its_parts(board_member, department):
    for title in ("Terminvergabe Kfz-Zulassung", "Kfz Zulassung online", "Zulassung von Hunden"):
        use_case = make_use_case(board_member, department, title, short_description="Termin")
        publish_use_case(use_case, actor=board_member, reason="frei")
    titles = _all_pages(f"{URL}?search=Kfz-Zulassung")
    assert sorted(titles) == ["Kfz Zulassung online", "Terminvergabe Kfz-Zulassung"]
    if connection.vendor == "postgresql":  # the web search syntax is PostgreSQL's
        assert _all_pages(f"{URL}?search=-Kfz Zulassung") == ["Zulassung von Hunden"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the full-text index exists on PostgreSQL only"
)
def test_the_signed_in_search_uses_the_full_text_index(board_member, department, rf):
    from types import SimpleNamespace

    from rest_framework.request import Request

    from governance.api.views import UseCaseViewSet
    from registry.models import UseCase

    make_use_case(board_member, department, "Chatbot Bürgerbüro")
    view = SimpleNamespace(search_fields=UseCaseViewSet.search_fields)
    request = Request(rf.get("/api/v1/use-cases/", {"search": "Chatbot"}))
    # The whole table (the operator's view): a scoped user's query may also be answered by a
    # bitmap scan of the organisation index, which says nothing about the full-text index.
    queryset = filters.FullTextSearchFilter().filter_queryset(request, UseCase.objects.all(), view)
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        # As above: only a bitmap scan is left, and only the index on the search's vector has one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "usecase_fulltext_idx" in plan, plan
