"""Numbered pages: the first, a window around the current one, the last where it is known."""

import pytest

from registry.paging import ResultPage
from registry.public import selectors


def page(number: int, count: int, *, lower_bound: bool = False, has_next: bool = False):
    return ResultPage(
        object_list=[object()],
        number=number,
        per_page=20,
        count=count,
        count_is_lower_bound=lower_bound,
        has_next=has_next,
    )


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, [1, 2, 3, None, 10]),
        (5, [1, 2, 3, 4, 5, 6, 7, None, 10]),
        (6, [1, None, 4, 5, 6, 7, 8, 9, 10]),
        (10, [1, None, 8, 9, 10]),
    ],
)
def test_the_numbers_are_the_first_a_window_around_the_current_and_the_last(number, expected):
    assert page(number, 200).page_range() == expected


def test_a_counted_lower_bound_shows_no_last_page(monkeypatch):
    # 1000 counted of more: 50 pages exist for sure, the last is unknown.
    assert page(1, 1000, lower_bound=True, has_next=True).page_range() == [1, 2, 3]
    assert page(60, 1000, lower_bound=True, has_next=True).page_range() == [1, None, 58, 59, 60, 61]


def test_the_current_page_is_marked_and_the_others_link(client, publish_many):
    publish_many(61)
    html = client.get("/", {"seite": "2"}).content.decode()
    assert 'aria-label="Seiten der Ergebnisliste"' in html
    assert 'href="?seite=2" aria-label="Seite 2" aria-current="page"' in html
    assert 'href="?seite=4" aria-label="Seite 4">4<' in html
    assert "Seite 2 von 4" in html


def test_a_broad_search_links_no_last_page(client, publish_many, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 30)
    publish_many(65)
    html = client.get("/", {"q": "Anwendungsfall"}).content.decode()
    assert "Mehr als 30 Anwendungsfälle" in html
    assert 'aria-label="Seite 2"' in html
    assert 'aria-label="Seite 4"' not in html  # exists, but the count does not know it
