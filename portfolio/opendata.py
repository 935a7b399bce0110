"""The open data of published outcomes: a document in its own, versioned schema, and a CSV.

The register's open data (registry/public/opendata.py, schema v1) stays as it is; outcomes are
a second document with their own `schema_version`, so a consumer of v1 sees no change. The CSV
has one row per measurement with the JSON record's values, under German headers.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from portfolio.models import Measurement
from registry.public.opendata import CHUNK_SIZE, spreadsheet_safe

OUTCOMES_SCHEMA_VERSION = "outcomes-1.0"


def measurement_record(measurement: Any, url: str) -> dict[str, Any]:
    """One published measurement as the open data and the public API show it."""
    indicator = measurement.indicator
    return {
        "schema_version": OUTCOMES_SCHEMA_VERSION,
        "id": measurement.pk,
        "organisation": measurement.organisation_slug,
        "organisation_name": measurement.organisation_name,
        "use_case_id": measurement.use_case_id,
        "use_case_title": measurement.public_title,
        "url": url,
        "indicator": indicator.kind if indicator.kind != "custom" else f"custom:{indicator.pk}",
        "indicator_name": indicator.name,
        "unit": indicator.unit,
        "better": indicator.direction,
        "phase": measurement.phase,
        "period_start": measurement.period_start.isoformat(),
        "period_end": measurement.period_end.isoformat(),
        "value": str(measurement.value),
        "source": measurement.source,
    }


def outcomes_document(
    measurements: Iterable[Measurement], *, url_for: Callable[[int], str]
) -> dict[str, Any]:
    """Every published measurement, with the schema version and when it was produced."""
    return {
        "schema_version": OUTCOMES_SCHEMA_VERSION,
        "generated_at": timezone.now().isoformat(),
        "measurements": [measurement_record(m, url_for(m.use_case_id)) for m in measurements],
    }


# The CSV's columns: a key of `measurement_record` and its header. The headers are part of the
# file's format, the same in every interface language, so they are not translated.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("schema_version", "Schemaversion"),
    ("id", "Messwert-Nr."),
    ("organisation", "Organisation (Kürzel)"),
    ("organisation_name", "Organisation"),
    ("use_case_id", "Anwendungsfall-Nr."),
    ("use_case_title", "Anwendungsfall"),
    ("url", "Adresse"),
    ("indicator", "Kennzahl (Code)"),
    ("indicator_name", "Kennzahl"),
    ("unit", "Einheit"),
    ("better", "Besser ist"),
    ("phase", "Phase"),
    ("period_start", "Zeitraum von"),
    ("period_end", "Zeitraum bis"),
    ("value", "Wert"),
    ("source", "Quelle"),
)


class _Line:
    """A file-like target for csv.writer that hands each written line back."""

    def write(self, value: str) -> str:
        return value


def outcomes_csv(
    measurements: QuerySet[Measurement], *, url_for: Callable[[int], str]
) -> Iterator[str]:
    """Every published measurement as CSV, a line at a time: the headers, then one row each."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow([header for _key, header in CSV_COLUMNS])
    for measurement in measurements.iterator(chunk_size=CHUNK_SIZE):
        record = measurement_record(measurement, url_for(measurement.use_case_id))
        yield writer.writerow([spreadsheet_safe(str(record[key])) for key, _h in CSV_COLUMNS])
