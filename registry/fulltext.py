"""German full-text indexes on PostgreSQL for the API's `?search=` (registry.api.filters).

FullTextSearchFilter builds `SearchVector(*search_fields, config="german")`; PostgreSQL uses an
index only when the index's expression is exactly the vector Django compiles for those fields,
`to_tsvector('german'::regconfig, COALESCE(a, '') || ' ' || COALESCE(b, '') …)`. The migrations
create their indexes through `create_index`, so the expression is written in one place. Other
databases get no index: there the filter falls back to a substring search.
"""

from collections.abc import Sequence
from typing import Any


def vector_sql(columns: Sequence[str]) -> str:
    """The expression of `SearchVector(*columns, config="german")` as PostgreSQL indexes it."""
    joined = " || ' ' || ".join(f"COALESCE({column}, '')" for column in columns)
    return f"to_tsvector('german'::regconfig, {joined})"


def create_index(schema_editor: Any, *, table: str, name: str, columns: Sequence[str]) -> None:
    """A GIN index on the columns' German text vector (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{name}" ON {table} USING gin ({vector_sql(columns)})'
    )


def drop_index(schema_editor: Any, *, name: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
