"""Trigram indexes for the public register's search (PostgreSQL only).

The register's search matches a term anywhere in seven text columns with `icontains`, which
Django sends to PostgreSQL as `UPPER(column::text) LIKE UPPER('%term%')`. Without these indexes
that is a sequential scan of every published use case (issue 8: 336,000 use cases). A GIN
trigram index on exactly that expression lets PostgreSQL combine the seven columns with a
BitmapOr. SQLite has no pg_trgm; there only the plain indexes are created.

Two plain indexes serve the public API's list (ordered by title, cursor-paginated) and the list
of department names the register's filter offers, without reading every published row.
"""

from django.db import migrations

SEARCHED_COLUMNS = (
    "title",
    "short_description",
    "purpose",
    "department_name",
    "ai_system_name",
    "vendor",
    "product",
)


def _index_name(column: str) -> str:
    return f"published_{column}_trgm_idx"


PLAIN_INDEXES = {
    "published_title_id_idx": "(title, id)",
    "published_department_name_idx": "(department_name)",
}


def create_indexes(apps, schema_editor):
    for name, columns in PLAIN_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON registry_publishedusecase {columns}'
        )
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index_name(column)}" ON registry_publishedusecase '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    for name in PLAIN_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index_name(column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_add_webhooks"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
