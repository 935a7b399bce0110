import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone


def run_command(stdin: str) -> str:
    stdout = io.StringIO()
    call_command("classify_risk", stdin=io.StringIO(stdin), stdout=stdout)
    return stdout.getvalue()


def run_manage_py(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed argv, no shell)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "classify_risk"],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=False,
        timeout=60,
    )


def test_command_prints_the_classification_as_json() -> None:
    output = json.loads(run_command('{"is_ai_system": true, "annex_iii_points": ["5a"]}'))

    assert output["risk_class"] == "high_risk"
    assert output["obligations"] == [
        "art_26_11_inform_affected_persons",
        "art_26_deployer_obligations",
        "art_27_fria",
        "art_49_registration",
        "art_4_ai_literacy",
        "art_86_explanation",
    ]
    assert output["rule_set_version"] == "2026.3"
    # Without --on the reference day is today; the Annex III duties' date follows Art. 113.
    assert output["reference_date"] == timezone.localdate().isoformat()
    fria = next(t for t in output["timeline"] if t["obligation"] == "art_27_fria")
    assert fria["applies_from"] == "2027-12-02"
    assert "Art. 113 UAbs. 3 lit. c KI-VO" in fria["source"]


def test_command_keeps_umlauts_readable() -> None:
    output = run_command('{"is_ai_system": true}')

    assert "\\u" not in output
    assert "ü" in output  # "verfügen" in the Art. 4 reason


def test_command_rejects_an_unknown_field_naming_it() -> None:
    with pytest.raises(CommandError) as excinfo:
        run_command('{"is_ai_system": true, "colour": "red"}')

    assert excinfo.value.returncode == 2
    assert "colour" in str(excinfo.value)


def test_command_rejects_an_invalid_value_naming_the_field() -> None:
    with pytest.raises(CommandError) as excinfo:
        run_command('{"is_ai_system": "yes"}')

    assert excinfo.value.returncode == 2
    assert "is_ai_system" in str(excinfo.value)


def test_command_rejects_invalid_json() -> None:
    with pytest.raises(CommandError) as excinfo:
        run_command('{"is_ai_system": tru')

    assert excinfo.value.returncode == 2


def test_command_rejects_json_that_is_not_an_object() -> None:
    with pytest.raises(CommandError) as excinfo:
        run_command('["is_ai_system"]')

    assert excinfo.value.returncode == 2


def test_manage_py_prints_json_to_stdout_and_exits_zero() -> None:
    result = run_manage_py('{"is_ai_system": true, "deep_fake": true}')

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["obligations"] == ["art_4_ai_literacy", "art_50_4"]


def test_manage_py_exits_two_and_names_the_unknown_field_on_stderr() -> None:
    result = run_manage_py('{"is_ai_system": true, "colour": "red"}')

    assert result.returncode == 2
    assert "colour" in result.stderr
    assert result.stdout == ""


def test_manage_py_exits_two_on_invalid_json() -> None:
    result = run_manage_py("not json")

    assert result.returncode == 2
    assert "JSON" in result.stderr
