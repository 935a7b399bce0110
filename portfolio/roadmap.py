"""The content of the Fahrplan 2027: obligations, maturity gaps and measures on one timeline,
with the pipeline's top candidates and the outcome trend.

Shared by the page and its PDF, so both say the same. It lives here, above the maturity app,
because it joins both: the maturity results and the portfolio's selection and outcomes.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Organisation
from maturity import selectors
from maturity.charts import TimelineEvent, timeline
from maturity.models import MaturityMeasure
from maturity.questionnaires import DIMENSIONS
from portfolio import selectors as portfolio_selectors

END_OF_2027 = datetime.date(2027, 12, 31)


@dataclass(frozen=True)
class Gap:
    """One dimension below the top level, with what is missing and the measures planned for it."""

    result: selectors.DimensionResult
    measures: list[MaturityMeasure]

    @property
    def unplanned(self) -> bool:
        return not any(m.status != MaturityMeasure.Status.DROPPED for m in self.measures)


def _measure_state(measure: MaturityMeasure, today: datetime.date) -> str:
    if measure.status in {MaturityMeasure.Status.DONE, MaturityMeasure.Status.DROPPED}:
        return measure.status
    return "overdue" if measure.due_date < today else measure.status


def build_roadmap(organisation: Organisation, today: datetime.date) -> dict[str, Any]:
    """What the roadmap shows for the organisation on `today`, in a fixed number of queries."""
    assessments = list(selectors.readiness_assessments(organisation)[:2])
    latest = assessments[0] if assessments else None
    previous = assessments[1] if len(assessments) > 1 else None
    results = selectors.results(latest, previous) if latest else []
    measures = list(selectors.measures_of(organisation))
    milestones = selectors.obligation_milestones(organisation, today)
    by_dimension: dict[str, list[MaturityMeasure]] = {d.key: [] for d in DIMENSIONS}
    for measure in measures:
        by_dimension.setdefault(measure.dimension, []).append(measure)
    gaps = [Gap(row, by_dimension.get(row.key, [])) for row in results if row.missing]

    events: list[TimelineEvent] = []
    for milestone in milestones:
        if milestone.applies_from is None:
            continue
        events.append(
            TimelineEvent(
                number=0,
                date=milestone.applies_from,
                lane="obligation",
                kind="obligation",
                label=milestone.label,
                state=milestone.kind,
            )
        )
    labels = dict(MaturityMeasure.Status.choices)
    for measure in measures:
        events.append(
            TimelineEvent(
                number=0,
                date=measure.due_date,
                lane="measure",
                kind="measure",
                label=measure.title,
                state=_measure_state(measure, today),
            )
        )
    events.sort(key=lambda e: (e.date, e.lane, e.label))
    numbered = [
        TimelineEvent(i, e.date, e.lane, e.kind, e.label, e.state)
        for i, e in enumerate(events, start=1)
    ]
    state_labels = {
        "overdue": _("überfällig"),
        "in_force": _("gilt, erfüllt"),
        "coming": _("kommt"),
        **{key: str(value) for key, value in labels.items()},
    }
    open_measures = [
        m
        for m in measures
        if m.status not in {MaturityMeasure.Status.DONE, MaturityMeasure.Status.DROPPED}
    ]
    return {
        "organisation": organisation,
        "today": today,
        "latest": latest,
        "previous": previous,
        "results": results,
        "gaps": gaps,
        "measures": measures,
        "milestones": milestones,
        "overdue_obligations": [m for m in milestones if m.overdue],
        "in_force_obligations": [m for m in milestones if m.state == "in_force"],
        "coming_obligations": [m for m in milestones if m.state == "coming"],
        "open_measures_by_2027": [m for m in open_measures if m.due_date <= END_OF_2027],
        "open_measures_later": [m for m in open_measures if m.due_date > END_OF_2027],
        "events": numbered,
        "state_labels": state_labels,
        "timeline": timeline(numbered, today),
        "top_candidates": portfolio_selectors.top_candidates(organisation, limit=5),
        "outcome_trend": [
            series for series in portfolio_selectors.outcome_trend(organisation) if series.use_cases
        ],
    }
