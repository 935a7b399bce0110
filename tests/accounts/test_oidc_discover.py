"""manage.py oidc_discover: the provider's endpoints from its discovery document, checked."""

import io
import socket

import pytest
from django.core.management import CommandError, call_command


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("oidc_discover", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_the_settings_of_a_real_provider(idp_for_client):
    out, _err = _run(idp_for_client.issuer + "/")
    lines = dict(line.split("=", 1) for line in out.splitlines())
    expected = idp_for_client.settings()
    for name in (
        "OIDC_OP_ISSUER",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
        "OIDC_OP_LOGOUT_ENDPOINT",
        "OIDC_OP_INTROSPECTION_ENDPOINT",
    ):
        assert lines[name] == expected[name], name


def test_check_confirms_matching_settings(idp_for_client):
    out, _err = _run(idp_for_client.issuer, "--check")
    assert "stimmen mit dem Anbieter überein" in out


def test_check_names_each_differing_setting(idp_for_client, settings):
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://alt.example/token"
    with pytest.raises(CommandError) as error:
        _run(idp_for_client.issuer, "--check")
    assert "OIDC_OP_TOKEN_ENDPOINT: https://alt.example/token → " in str(error.value)
    assert "OIDC_OP_JWKS_ENDPOINT" not in str(error.value)


def test_an_issuer_other_than_the_documents_is_refused(idp_for_client):
    other = idp_for_client.issuer.replace("127.0.0.1", "localhost")
    with pytest.raises(CommandError) as error:
        _run(other)
    assert "issuer:" in str(error.value)


def test_an_address_without_a_discovery_document_is_refused(idp_for_client):
    with pytest.raises(CommandError) as error:
        _run(idp_for_client.issuer + "/kein-anbieter")
    assert "HTTP 404" in str(error.value)


def test_an_unreachable_provider_is_named(settings):
    settings.OIDC_TIMEOUT = 2
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(CommandError) as error:
        _run(f"http://127.0.0.1:{port}")
    assert "nicht erreichbar" in str(error.value)


def test_an_issuer_that_is_no_web_address_is_refused():
    with pytest.raises(CommandError) as error:
        _run("login.example.de")
    assert "https://" in str(error.value)
