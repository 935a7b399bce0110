"""One public way to change a use case: governance.services.change_use_case."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILDING_BLOCK = "apply_use_case_fields"
# The building block's own module and the one service built on it.
ALLOWED = {ROOT / "registry" / "services.py", ROOT / "governance" / "services.py"}


def _python_files() -> list[Path]:
    packages = ("accounts", "registry", "governance", "workspace", "config", "bench", "tests")
    return [path for package in packages for path in (ROOT / package).rglob("*.py")]


def test_only_governance_services_calls_the_record_level_update():
    # Anything else calling it would change an approved use case without sending it back to review.
    offenders = [
        str(path.relative_to(ROOT))
        for path in _python_files()
        if path not in ALLOWED
        and path != Path(__file__).resolve()
        and BUILDING_BLOCK in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_guard_sees_the_building_block_where_it_is_used():
    # Keeps the test above from passing vacuously after a rename.
    assert all(BUILDING_BLOCK in path.read_text(encoding="utf-8") for path in ALLOWED)
