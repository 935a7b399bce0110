"""The open data of published outcomes: a document in its own, versioned schema.

The register's open data (registry/public/opendata.py, schema v1) stays as it is; outcomes are
a second document with their own `schema_version`, so a consumer of v1 sees no change.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from portfolio.models import Measurement

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
