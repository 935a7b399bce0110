"""Indexes for the public register's lookups at national scale (issue 8).

The search form resolves a typed organisation by name in any case (Django's `iexact`:
`UPPER(name::text) = UPPER(%s)`), the organisation directory is ordered by name and searched with
`icontains` on the name, and the department filter matches a name in any case. Without these
indexes each is a scan of every organisation or every published use case. The organisation
table belongs to accounts; the indexes live here because only the public register needs them.
SQLite gets the plain name index only (no expression or trigram index is of use there).
"""

from django.db import migrations

PLAIN_INDEXES = {
    "public_org_name_idx": "accounts_organisation (name)",
}
POSTGRESQL_INDEXES = {
    "public_org_upper_name_idx": "accounts_organisation (UPPER(name::text))",
    "public_org_name_trgm_idx": (
        "accounts_organisation USING gin ((UPPER(name::text)) gin_trgm_ops)"
    ),
    "published_upper_department_idx": "registry_publishedusecase (UPPER(department_name::text))",
}


def create_indexes(apps, schema_editor):
    for name, definition in PLAIN_INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON {definition}')
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in POSTGRESQL_INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON {definition}')


def drop_indexes(apps, schema_editor):
    names = list(PLAIN_INDEXES)
    if schema_editor.connection.vendor == "postgresql":
        names += list(POSTGRESQL_INDEXES)
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_allow_withheld_yes_no_fields"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
