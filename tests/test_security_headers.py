"""Every response carries the Content-Security-Policy and Permissions-Policy, and nothing a
signed-in person or an API caller with credentials sees is kept by a cache."""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from registry.publication import publish_use_case

pytestmark = pytest.mark.django_db

# The pages whose policy is looser on purpose (config/urls.py): ReDoc writes <style> elements.
API_DOCS = ("/api/schema/redoc/",)


def _routes(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(route: str, values: dict[str, object]) -> str:
    """A path for a route: each parameter filled with a real object's value (or 1)."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), 1)), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), 1)), path)
    return "/" + path.replace("^", "").replace("$", "").replace(".*", "x")


@pytest.fixture
def every_path(use_case, board_member, organisation) -> list[str]:
    record = publish_use_case(use_case, actor=board_member, reason="freigegeben")
    assert record is not None
    values = {
        "pk": use_case.pk,
        "object_id": use_case.pk,
        "use_case_id": use_case.pk,
        "history_id": record.history.latest().history_id,
        "slug": organisation.slug,
        "period": "2026",
        "role": "dsb",
        "app_label": "registry",
    }
    return sorted({_concrete(route, values) for route in _routes(get_resolver().url_patterns)})


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (directive.split() for directive in header.split(";") if directive)
    }


def _check_policy(path: str, response) -> None:
    assert "Content-Security-Policy" in response, path
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"], path
    assert policy["frame-ancestors"] == ["'none'"], path
    assert policy["object-src"] == ["'none'"], path
    assert policy["base-uri"] == ["'self'"], path
    assert policy["form-action"][0] == "'self'", path
    assert policy["script-src"] == ["'self'"], path
    if path not in API_DOCS:
        assert "unsafe" not in response["Content-Security-Policy"], path
    assert "camera=()" in response["Permissions-Policy"], path
    assert "microphone=()" in response["Permissions-Policy"], path
    assert "geolocation=()" in response["Permissions-Policy"], path


def test_every_page_anonymous_and_signed_in_carries_the_strict_policy(every_path, board_member):
    board_member.is_superuser = True
    board_member.save()
    anonymous = Client(raise_request_exception=False)
    signed_in = Client(raise_request_exception=False)
    answered = 0
    for path in every_path:
        _check_policy(path, anonymous.get(path))
        # Some addresses (the provider's logout) end the session: sign in again every time.
        signed_in.force_login(board_member)
        response = signed_in.get(path)
        _check_policy(path, response)
        cache_control = response.get("Cache-Control", "")
        assert "no-store" in cache_control, path
        assert "private" in cache_control, path
        answered += response.status_code < 400
    # The walk reaches real pages, not only 404s: the admin, the workspace, the public register.
    assert answered > 100


def test_the_api_docs_allow_inline_styles_for_redoc_only_and_never_inline_scripts(client):
    redoc = _policy(client.get("/api/schema/redoc/"))
    assert redoc["style-src"] == ["'self'", "'unsafe-inline'"]
    assert redoc["script-src"] == ["'self'"]
    swagger = client.get("/api/schema/swagger/")
    assert "unsafe" not in swagger["Content-Security-Policy"]
    assert "<script>" not in swagger.content.decode()


def test_the_identity_providers_origin_may_receive_the_login_and_logout_forms(client, settings):
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://sso.kommune.example/realms/k/auth"
    settings.OIDC_OP_LOGOUT_ENDPOINT = "https://logout.kommune.example/end"
    policy = _policy(client.get("/konto/anmelden/"))
    assert policy["form-action"] == [
        "'self'",
        "https://logout.kommune.example",
        "https://sso.kommune.example",
    ]


def test_anonymous_public_pages_keep_their_shared_caching(client, published_use_case):
    for path in ("/", f"/anwendungsfaelle/{published_use_case.pk}/", "/daten/register.csv"):
        cache_control = client.get(path)["Cache-Control"]
        assert "public" in cache_control, path
        assert "no-store" not in cache_control, path


def test_signed_in_public_pages_are_private_and_not_stored(
    client, board_member, published_use_case
):
    client.force_login(board_member)
    for path in ("/", f"/anwendungsfaelle/{published_use_case.pk}/", "/daten/register.csv"):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control, path
        assert "private" in cache_control, path
        assert "public" not in cache_control, path


def test_an_api_call_with_an_authorization_header_is_not_stored(client, published_use_case):
    anonymous = client.get("/api/v1/public/use-cases/")
    assert "public" in anonymous["Cache-Control"]
    with_credentials = client.get(
        "/api/v1/public/use-cases/", HTTP_AUTHORIZATION="Bearer some-token"
    )
    assert "no-store" in with_credentials["Cache-Control"]
    assert "private" in with_credentials["Cache-Control"]


@pytest.fixture
def published_use_case(use_case, board_member):
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    return use_case
