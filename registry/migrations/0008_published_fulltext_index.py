"""A full-text index for the public API's `?search=` (PostgreSQL only).

registry.api.filters.FullTextSearchFilter searches the public record's title, short description,
purpose and department name with German full-text search. Without an index on exactly the vector
Django builds for that search, PostgreSQL computed it for every published use case (2–3 s at
tier L). The expression below is that vector; tests/api/test_search.py checks that the search
still uses the index.
"""

from django.db import migrations

INDEX = "published_fulltext_idx"
VECTOR = (
    "to_tsvector('german'::regconfig, "
    "COALESCE(title, '') || ' ' || COALESCE(short_description, '') || ' ' || "
    "COALESCE(purpose, '') || ' ' || COALESCE(department_name, ''))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON registry_publishedusecase USING gin ({VECTOR})'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_dashboard_indexes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
