"""The internal use case's full-text index and the API list's order (issue 16).

The signed-in API's `?search=` (governance.api.views.UseCaseViewSet.search_fields) searched
title, short description and purpose with German full-text search, but only the public record
had an index on its vector: every search computed the vector of every visible use case (0.8 s
for the operator at tier M). The index is created on PostgreSQL only (registry.fulltext);
tests/api/test_search.py checks that the search uses it. The B-tree on (updated_at, id) serves
the list's order, newest change first, a page at a time.
"""

from django.db import migrations, models

from registry import fulltext

INDEX = "usecase_fulltext_idx"
SEARCHED_COLUMNS = ("title", "short_description", "purpose")


def create_index(apps, schema_editor):
    fulltext.create_index(
        schema_editor, table="registry_usecase", name=INDEX, columns=SEARCHED_COLUMNS
    )


def drop_index(apps, schema_editor):
    fulltext.drop_index(schema_editor, name=INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0011_add_suspended_state"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="usecase",
            index=models.Index(fields=["updated_at", "id"], name="usecase_updated_idx"),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
