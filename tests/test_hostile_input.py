"""No address of the installation answers 500, whatever ids, page numbers or bodies it is sent."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import make_use_case

# Ids and page numbers an attacker or a careless script sends: beyond 64 bit, negative,
# not a number, absurdly long, with characters a database may choke on.
HOSTILE_VALUES = (
    "99999999999999999999999999",
    "-1",
    "-9223372036854775809",
    "abc",
    "1e400",
    "%00",
    "x" * 2000,
)
GROUP = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _parametrised_routes() -> list[str]:
    """Every route of the URL configuration that takes a value from the path."""
    routes = set()
    for route in _walk(get_resolver().url_patterns):
        if "(?P<format>" in route or ".*" in route or not GROUP.search(route):
            continue
        routes.add(route)
    return sorted(routes)


def _fill(route: str, value: str) -> str:
    path = GROUP.sub(value, route)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path


ROUTES = _parametrised_routes()


def test_the_walk_finds_the_routes_that_take_ids():
    # A walk that found nothing would let every test below pass without asking anything.
    assert any("use-cases" in route for route in ROUTES)
    assert any(route.startswith("anwendungsfaelle/") for route in ROUTES)
    assert len(ROUTES) > 30


class Failures(list[str]):
    """Every request that answered 5xx, so one run names all of them."""

    def check(self, client: Client, method: str, path: str, **kwargs: Any) -> None:
        response = getattr(client, method)(path, **kwargs)
        if response.status_code >= 500:
            self.append(f"{method.upper()} {path[:100]} → {response.status_code}")


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_no_route_answers_500_to_a_hostile_id_anonymously(value):
    client, failures = Client(raise_request_exception=False), Failures()
    for route in ROUTES:
        failures.check(client, "get", _fill(route, value))
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_no_route_answers_500_to_a_hostile_id_for_the_board(value, board_member, department):
    make_use_case(board_member, department, "Chatbot Bürgerservice")
    client, failures = Client(raise_request_exception=False), Failures()
    client.force_login(board_member)
    body = json.dumps({"title": "x"})
    for route in ROUTES:
        path = _fill(route, value)
        failures.check(client, "get", path)
        if route.startswith("api/"):
            for method in ("put", "patch", "delete"):
                failures.check(client, method, path, data=body, content_type="application/json")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_page_numbers_of_any_size_give_a_page_or_a_clear_error(value):
    client, failures = Client(raise_request_exception=False), Failures()
    for path in ("/", "/register/", "/api/v1/public/use-cases/", "/api/v1/organisations/"):
        for parameter in ("seite", "page", "page_size", "limit"):
            failures.check(client, "get", f"{path}?{parameter}={value}")
    assert not failures, "\n".join(failures)
