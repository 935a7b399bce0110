"""The federal service catalogue (LeiKa) as reference data, loaded with the shipped extract."""

import csv
import datetime
import io
from pathlib import Path

import django.core.validators
from django.db import migrations, models

SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "leika_snapshot.csv"


def load_snapshot(apps, schema_editor):
    """The extract in registry/data/leika_snapshot.csv (its header names source and date)."""
    LeikaCatalogue = apps.get_model("registry", "LeikaCatalogue")
    LeikaService = apps.get_model("registry", "LeikaService")
    if LeikaCatalogue.objects.exists():
        return
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    header = {}
    while lines and lines[0].startswith("#"):
        name, sep, value = lines.pop(0).lstrip("#").partition(":")
        if sep:
            header[name.strip().lower()] = value.strip()
    rows = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))
    for row in rows:
        LeikaService.objects.create(
            key=row["Schluessel"], name=row["Bezeichnung"], synonyms=row.get("Synonyme") or ""
        )
    LeikaCatalogue.objects.create(
        source=header.get("quelle", "registry/data/leika_snapshot.csv"),
        as_of=datetime.date.fromisoformat(header["stand"]),
        complete=header.get("vollstaendig") == "ja",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0014_add_source_changed_event"),
    ]

    operations = [
        migrations.CreateModel(
            name="LeikaCatalogue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source", models.CharField(max_length=500, verbose_name="Quelle")),
                ("as_of", models.DateField(verbose_name="Stand")),
                ("complete", models.BooleanField(default=False, verbose_name="vollständig")),
                ("imported_at", models.DateTimeField(auto_now=True, verbose_name="eingelesen am")),
            ],
            options={
                "verbose_name": "Leistungskatalog (LeiKa)",
                "verbose_name_plural": "Leistungskataloge (LeiKa)",
            },
        ),
        migrations.CreateModel(
            name="LeikaService",
            fields=[
                (
                    "key",
                    models.CharField(
                        max_length=14,
                        primary_key=True,
                        serialize=False,
                        validators=[
                            django.core.validators.RegexValidator(
                                code="invalid_leika_key",
                                message="Ein LeiKa-Schlüssel besteht aus genau 14 Ziffern.",
                                regex="^\\d{14}\\Z",
                            )
                        ],
                        verbose_name="LeiKa-Schlüssel",
                    ),
                ),
                ("name", models.CharField(max_length=500, verbose_name="Bezeichnung")),
                ("synonyms", models.TextField(blank=True, verbose_name="Synonyme")),
            ],
            options={
                "verbose_name": "Leistung des Leistungskatalogs",
                "verbose_name_plural": "Leistungen des Leistungskatalogs",
                "ordering": ["key"],
                "indexes": [models.Index(fields=["name"], name="leikaservice_name_idx")],
            },
        ),
        migrations.RunPython(load_snapshot, migrations.RunPython.noop),
    ]
