"""check_deployment names each configuration problem in German with the variable to set."""

import io
import tempfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

GOOD = {
    "SECRET_KEY": "k" * 20 + "x9Y!zq" * 8,
    "DEBUG": False,
    "ALLOWED_HOSTS": ["ki-register.kommune.de"],
    "OIDC_OP_ISSUER": "https://sso.kommune.de/realms/kommune",
    "PASSWORD_LOGIN_ENABLED": False,
    "METRICS_TOKEN": "scrape-secret",
    "SITE_URL": "https://ki-register.kommune.de",
    "EMAIL_HOST": "relay.kommune.de",
    "TRUSTED_PROXY_COUNT": 1,
    "LEDGER_SIGNING_KEY": "-----BEGIN PRIVATE KEY-----\n(not read here)\n",
    "LEDGER_SIGNING_KEY_FILE": "",
    "CELERY_TASK_ALWAYS_EAGER": False,
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHES": {
        "default": {
            "BACKEND": "operations.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
        }
    },
}


def run(**overrides):
    out = io.StringIO()
    media = tempfile.mkdtemp()
    with override_settings(**{**GOOD, "MEDIA_ROOT": media, **overrides}):
        try:
            call_command("check_deployment", stdout=out, stderr=io.StringIO())
        except CommandError as exc:
            return out.getvalue(), exc
    return out.getvalue(), None


def test_a_missing_broker_is_an_error_naming_redis_url():
    out, failed = run(CELERY_TASK_ALWAYS_EAGER=True, EAGER_TASKS_ALLOWED=False)
    assert failed is not None
    assert "FEHLER D011: Kein Celery-Broker" in out
    assert "Setzen Sie REDIS_URL" in out


def test_a_short_secret_key_is_an_error_naming_the_variable():
    out, failed = run(SECRET_KEY="kurz")
    assert failed is not None
    assert "D001" in out and "DJANGO_SECRET_KEY" in out


def test_no_login_at_all_is_an_error():
    out, failed = run(OIDC_OP_ISSUER="", PASSWORD_LOGIN_ENABLED=False)
    assert failed is not None
    assert "Niemand kann sich anmelden" in out and "OIDC_OP_ISSUER" in out


def test_a_warning_is_counted_apart_from_errors():
    out, _failed = run(METRICS_TOKEN="")
    assert "WARNUNG D030" in out and "METRICS_TOKEN" in out
    # SQLite (one leg of the tests) is an error of its own; Django's own deployment checks,
    # which follow, fail on the test settings (DEBUG-like cookies), so only the summary counts.
    errors = 1 if "FEHLER D010" in out else 0
    assert f"{errors} Fehler, 1 Warnungen." in out


@pytest.mark.parametrize(
    ("setting", "value", "code", "variable"),
    [
        ("DEBUG", True, "D002", "DJANGO_DEBUG"),
        ("ALLOWED_HOSTS", [], "D003", "DJANGO_ALLOWED_HOSTS"),
        ("SITE_URL", "http://127.0.0.1:8000", "D014", "SITE_URL"),
        ("TRUSTED_PROXY_COUNT", 0, "D034", "TRUSTED_PROXY_COUNT"),
        ("MEDIA_ROOT", "/nonexistent/media", "D032", "DJANGO_MEDIA_ROOT"),
        ("LEDGER_SIGNING_KEY_FILE", "/nonexistent/ledger.pem", "D041", "LEDGER_SIGNING_KEY_FILE"),
    ],
)
def test_each_rule_names_its_variable(setting, value, code, variable):
    out, _failed = run(**{setting: value})
    line = next(line for line in out.splitlines() if code in line)
    hint = out.splitlines()[out.splitlines().index(line) + 1]
    assert variable in hint


def test_no_signing_key_for_the_change_log_is_a_warning_naming_both_variables():
    out, _failed = run(LEDGER_SIGNING_KEY="", LEDGER_SIGNING_KEY_FILE="")
    line = next(line for line in out.splitlines() if "D040" in line)
    assert line.startswith("WARNUNG")
    hint = out.splitlines()[out.splitlines().index(line) + 1]
    assert "LEDGER_SIGNING_KEY_FILE=" in hint and "create_signing_key" in hint


def test_a_readable_key_file_or_the_pem_text_satisfies_the_check(tmp_path):
    key_file = tmp_path / "ledger.pem"
    key_file.write_text("-----BEGIN PRIVATE KEY-----\n")
    for settings in ({"LEDGER_SIGNING_KEY_FILE": str(key_file)}, {}):
        out, _failed = run(**settings)
        assert "D040" not in out and "D041" not in out
