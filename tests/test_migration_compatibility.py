"""Migrations stay backwards compatible for one release (CONTRIBUTING, "Migrations").

During an upgrade the new schema is applied while the previous release's processes still run, so
a migration that is not yet released must not drop or rename a column or table, nor add a
non-null column the old code would not fill, nor make a column non-null. Such a step waits for
the next release (after the code stopped using the column), or the migration says why it is
safe with `backwards_incompatible = "<reason>"` on its Migration class.
Released migrations are listed in deploy/migrations-released.txt (`make migration-baseline`).
"""

import pathlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

RELEASED = pathlib.Path(__file__).resolve().parents[1] / "deploy" / "migrations-released.txt"


def released() -> set[tuple[str, str]]:
    lines = [line.strip() for line in RELEASED.read_text().splitlines()]
    return {
        (line.split(".", 1)[0], line.split(".", 1)[1])
        for line in lines
        if line and not line.startswith("#")
    }


def _not_null_without_default(field: models.Field) -> bool:
    # A Python default does not help: the previous release's INSERT does not name the column.
    has_db_default = field.db_default is not models.NOT_PROVIDED
    return not field.null and not has_db_default and not field.many_to_many


def _was_not_null(before: Any, app: str, operation: migrations.AlterField) -> bool:
    """Whether the column was already non-null before the migration (then only its rules change)."""
    if before is None:
        return False
    try:
        field = before.models[app, operation.model_name_lower].fields[operation.name]
    except KeyError:
        return False
    return not field.null


def problems_of(migration: migrations.Migration, before: Any = None) -> list[str]:
    found = []
    for operation in migration.operations:
        name = type(operation).__name__
        if isinstance(operation, migrations.RemoveField | migrations.DeleteModel):
            found.append(f"{name}: the previous release still reads it")
        elif isinstance(operation, migrations.RenameField | migrations.RenameModel):
            found.append(f"{name}: the previous release uses the old name")
        elif isinstance(operation, migrations.AddField) and _not_null_without_default(
            operation.field
        ):
            found.append(f"AddField {operation.name}: non-null without db_default")
        elif isinstance(operation, migrations.AddField) and not operation.preserve_default:
            if operation.field.db_default is models.NOT_PROVIDED and not operation.field.null:
                found.append(f"AddField {operation.name}: one-off default, old code cannot insert")
        elif isinstance(operation, migrations.AlterField) and not operation.field.null:
            if operation.field.db_default is models.NOT_PROVIDED and not _was_not_null(
                before, migration.app_label, operation
            ):
                found.append(f"AlterField {operation.name}: may make a column non-null")
        elif isinstance(operation, migrations.RunSQL):
            found.append("RunSQL: cannot be checked; say why it is safe")
    return found


LOADER = MigrationLoader(None, ignore_no_migrations=True)


def _first_party_apps() -> set[str]:
    """The project's own apps (those whose code lives in this repository)."""
    root = pathlib.Path(__file__).resolve().parent.parent
    return {
        config.label
        for config in django_apps.get_app_configs()
        if pathlib.Path(config.path).resolve().is_relative_to(root)
        and not pathlib.Path(config.path).resolve().is_relative_to(root / ".venv")
    }


def unreleased_migrations() -> list[tuple[str, str, migrations.Migration]]:
    done = released()
    first_party = _first_party_apps()
    return [
        (app, name, migration)
        for (app, name), migration in sorted(LOADER.disk_migrations.items())
        if app in first_party and (app, name) not in done
    ]


@pytest.mark.parametrize(
    ("app", "name", "migration"),
    unreleased_migrations() or [pytest.param(None, None, None, marks=pytest.mark.skip)],
)
def test_an_unreleased_migration_keeps_the_previous_release_working(app, name, migration):
    if getattr(migration, "backwards_incompatible", ""):
        return
    before = LOADER.project_state((app, name), at_end=False)
    assert problems_of(migration, before) == [], f"{app}.{name}"


def test_the_rule_refuses_a_dropped_column_and_a_non_null_column_without_default():
    class Drop(migrations.Migration):
        operations = [migrations.RemoveField("usecase", "title")]

    class AddNotNull(migrations.Migration):
        operations = [migrations.AddField("usecase", "x", models.IntegerField())]

    class AddWithDbDefault(migrations.Migration):
        operations = [migrations.AddField("usecase", "x", models.IntegerField(db_default=0))]

    class AddNullable(migrations.Migration):
        operations = [migrations.AddField("usecase", "x", models.IntegerField(null=True))]

    assert problems_of(Drop("d", "registry"))
    assert problems_of(AddNotNull("a", "registry"))
    assert problems_of(AddWithDbDefault("b", "registry")) == []
    assert problems_of(AddNullable("c", "registry")) == []
