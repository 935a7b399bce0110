"""Reads of the portfolio: scored use cases, the top candidates, outcomes and their trends.

Scores are computed in the query from the formula's terms (portfolio/formula.py), so a list is
ordered by score in the database and every answer carries the formula version it was computed
with. Every function here runs a fixed number of queries, whatever the number of use cases.
"""

import datetime
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear, Round, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Organisation
from governance.workflow import CLOSED_STATES, LIVE_STATES
from incidents.selectors import objection_counts
from maturity.models import ServiceAssessment
from portfolio import caching, formula
from portfolio.indicators import STANDARD_BY_KIND, STANDARD_INDICATORS, aggregate_of
from portfolio.models import CandidateRating, Indicator, Measurement
from registry.expressions import one_of
from registry.history import LabelledChange, compared_fields, labelled_changes
from registry.models import DataSource, PublicService, PublishedUseCase, UseCase

Status = UseCase.Status
State = UseCase.WorkflowState
Phase = Measurement.Phase

# The operating statuses of the portfolio: the pipeline (ideas, planned, pilots) and what runs.
PORTFOLIO_STATUSES = (Status.IDEA, Status.PLANNED, Status.PILOT, Status.IN_OPERATION)
# A measurement in operation is due with a periodic review in this many days, unless one of a
# period that ended this many days before the review date is there already.
REVIEW_LEAD_DAYS = 30
FRESH_BEFORE_REVIEW_DAYS = 92
# States in which the baseline is asked for: from the approval on (put into operation next).
BASELINE_STATES = (*LIVE_STATES,)


def _service_maturity() -> Subquery:
    """The mean of the latest maturity level of each service the use case supports, as assessed
    by its organisation (a service never assessed, or whose latest assessment found no level,
    does not count; none at all: NULL)."""
    latest_level = (
        ServiceAssessment.objects.filter(
            organisation_id=OuterRef(OuterRef("organisation_id")), leika_key=OuterRef("leika_key")
        )
        .order_by("-assessed_at", "-pk")
        .values("level")[:1]
    )
    return Subquery(
        PublicService.objects.filter(use_case=OuterRef("pk"))
        .annotate(level=Subquery(latest_level))
        .order_by()
        .values("use_case")
        .annotate(mean=Avg("level"))
        .values("mean")
    )


def with_inputs(queryset: QuerySet[UseCase]) -> QuerySet[UseCase]:
    """The use cases with the formula's inputs that are not fields of their own annotated."""
    registers = (
        DataSource.objects.filter(use_case=OuterRef("pk"))
        .exclude(register="")
        .order_by()
        .values("use_case")
        .annotate(n=Count("register", distinct=True))
        .values("n")
    )
    rating = CandidateRating.objects.filter(use_case=OuterRef("pk"))
    queryset = queryset.annotate(
        **{
            formula.REGISTER_COUNT: Coalesce(Subquery(registers), 0),
            # Subqueries, not a join: with a join the planner read every rating of the
            # installation into a hash (tier L: 36,000 rows for an organisation's 470 ideas).
            formula.BENEFIT: Subquery(rating.values("benefit")[:1]),
            formula.EFFORT: Subquery(rating.values("effort")[:1]),
            formula.SERVICE_MATURITY: _service_maturity(),
        }
    )
    return queryset


def scored(queryset: QuerySet[UseCase]) -> QuerySet[UseCase]:
    """The use cases with each formula term, both axes and the score annotated."""
    return with_inputs(queryset).annotate(
        benefit_points=formula.axis_expression(formula.Axis.BENEFIT),
        feasibility_points=formula.axis_expression(formula.Axis.FEASIBILITY),
        score=formula.axis_expression(),
    )


def inputs_of(use_case: UseCase) -> dict[str, Any]:
    """The formula's inputs of a use case from `scored` (fields and annotations)."""
    return {term.field: getattr(use_case, term.field, None) for term in formula.TERMS}


@dataclass(frozen=True)
class Candidate:
    """A scored use case as the portfolio and the roadmap show it."""

    use_case_id: int
    title: str
    department: str
    status: str
    status_label: str
    risk_class: str
    risk_label: str
    yearly_case_volume: int | None
    rated: bool
    score: float
    benefit: float
    feasibility: float
    terms: list[formula.Explained]
    formula_version: int = formula.FORMULA_VERSION

    @property
    def score_text(self) -> str:
        return formula.signed(self.score)


def _candidate(use_case: Any) -> Candidate:
    return Candidate(
        use_case_id=use_case.pk,
        title=use_case.title,
        department=use_case.department.name,
        status=use_case.status,
        status_label=str(use_case.get_status_display()),
        risk_class=use_case.risk_class,
        risk_label=str(use_case.get_risk_class_display()),
        yearly_case_volume=use_case.yearly_case_volume,
        rated=use_case.rated_benefit is not None,
        score=round(use_case.score, 2),
        benefit=round(use_case.benefit_points, 2),
        feasibility=round(use_case.feasibility_points, 2),
        terms=formula.explain(inputs_of(use_case)),
    )


def _portfolio_queryset(organisation: Organisation) -> QuerySet[UseCase]:
    return (
        UseCase.objects.filter(organisation=organisation, status__in=PORTFOLIO_STATUSES)
        .exclude(workflow_state__in=CLOSED_STATES)
        .select_related("department")
    )


class Ranking(Sequence[Candidate]):
    """Use cases in the order of their score (highest first, then title and id), sliced into
    pages of candidates.

    One narrow query reads every use case's inputs; the score is summed in Python
    (`formula.total`, the database's `axis_expression` term by term, tested to agree). In SQL
    every reference to an input's subquery inside the score's CASE expressions is planned and
    evaluated again (~15 subplans a row, 0.2 s for the largest organisation at tier L); here
    each runs once a row. Only the page's candidates get their terms explained.
    """

    COLUMNS = ("pk", "title", "status", "risk_class", "yearly_case_volume", "department_name")

    def __init__(
        self, queryset: QuerySet[UseCase], *, kept_as: tuple[int, str, Any] | None = None
    ) -> None:
        """`kept_as`: (organisation id, name, parts) when the queryset is one organisation's
        use cases chosen by `name` and `parts` alone: the ranking is then kept per version of
        the organisation's records (portfolio.caching)."""
        self.queryset = queryset
        self.kept_as = kept_as
        self._rows: list[dict[str, Any]] | None = None

    def _compute(self) -> list[dict[str, Any]]:
        fields = sorted({term.field for term in formula.TERMS} - set(self.COLUMNS))
        # The department's name by its key, not a join: joined, the planner hashed every
        # department of the installation (41,000 at tier L) for a few hundred rows.
        department_name = Subquery(
            Department.objects.filter(pk=OuterRef("department_id")).order_by().values("name")
        )
        inputs = with_inputs(
            self.queryset.select_related(None).order_by().annotate(department_name=department_name)
        )
        rows = list(inputs.values(*self.COLUMNS, *fields))
        for row in rows:
            row["score"] = formula.total(row)
        rows.sort(key=lambda row: (-row["score"], row["title"], row["pk"]))
        return rows

    def _ranked(self) -> list[dict[str, Any]]:
        if self._rows is None:
            if self.kept_as is None:
                self._rows = self._compute()
            else:
                organisation_id, name, parts = self.kept_as
                self._rows = caching.per_version(organisation_id, name, self._compute, parts)
        return self._rows

    def __len__(self) -> int:
        return len(self._ranked())

    @overload
    def __getitem__(self, index: int) -> Candidate: ...

    @overload
    def __getitem__(self, index: slice) -> list[Candidate]: ...

    def __getitem__(self, index: int | slice) -> Candidate | list[Candidate]:
        if isinstance(index, int):
            return _candidate_of_row(self._ranked()[index])
        return [_candidate_of_row(row) for row in self._ranked()[index]]


def _candidate_of_row(row: dict[str, Any]) -> Candidate:
    return Candidate(
        use_case_id=row["pk"],
        title=row["title"],
        department=row["department_name"],
        status=row["status"],
        status_label=str(STATUS_LABELS.get(row["status"], row["status"])),
        risk_class=row["risk_class"],
        risk_label=str(RISK_LABELS.get(row["risk_class"], row["risk_class"])),
        yearly_case_volume=row["yearly_case_volume"],
        rated=row[formula.BENEFIT] is not None,
        score=round(row["score"], 2),
        benefit=round(formula.total(row, formula.Axis.BENEFIT), 2),
        feasibility=round(formula.total(row, formula.Axis.FEASIBILITY), 2),
        terms=formula.explain(row),
    )


STATUS_LABELS = dict(UseCase.Status.choices)
RISK_LABELS = dict(UseCase.RiskClass.choices)


def ranked(organisation: Organisation, *, department: Department | None = None) -> Ranking:
    """Ideas, planned and running use cases of the organisation, highest score first."""
    queryset = _portfolio_queryset(organisation)
    if department is not None:
        queryset = queryset.filter(department=department)
    department_id = department.pk if department is not None else None
    return Ranking(queryset, kept_as=(organisation.pk, "ranking", department_id))


def portfolio_of(
    organisation: Organisation, *, department: Department | None = None
) -> list[Candidate]:
    """The whole portfolio, highest score first (the API's answer)."""
    return ranked(organisation, department=department)[:]


def top_candidates(organisation: Organisation, *, limit: int = 5) -> list[Candidate]:
    """The organisation's ideas with the highest suitability score, with their terms."""
    ideas = _portfolio_queryset(organisation).filter(status=Status.IDEA)
    return Ranking(ideas, kept_as=(organisation.pk, "ideas", None))[:limit]


def scored_use_case(use_case: UseCase) -> Candidate:
    """One use case's score with its terms."""
    return _candidate(
        scored(UseCase.objects.filter(pk=use_case.pk).select_related("department")).get()
    )


# -- indicators and measurements ------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorChoice:
    """An indicator an organisation can measure: a standard kind (maybe without its row yet)
    or one its board defined."""

    key: str
    name: str
    unit: str
    description: str
    is_public: bool
    row: Indicator | None


def indicators_of(organisation: Organisation) -> list[IndicatorChoice]:
    """The organisation's indicators: the standard ones first, then its own (one query)."""
    rows = list(Indicator.objects.filter(organisation=organisation).order_by("name"))
    by_kind = {row.kind: row for row in rows if row.kind != Indicator.Kind.CUSTOM}
    choices = []
    for standard in STANDARD_INDICATORS:
        row = by_kind.get(standard.kind)
        choices.append(
            IndicatorChoice(
                key=standard.kind,
                name=str(Indicator.Kind(standard.kind).label),
                unit=str(standard.unit),
                description=str(standard.description),
                is_public=row is not None and row.is_public,
                row=row,
            )
        )
    for row in rows:
        if row.kind == Indicator.Kind.CUSTOM:
            choices.append(IndicatorChoice(str(row.pk), row.name, row.unit, "", row.is_public, row))
    return choices


def measurements_of(use_case: UseCase) -> QuerySet[Measurement]:
    """The use case's measurements by indicator and period, with who entered them."""
    return (
        Measurement.objects.filter(use_case=use_case)
        .select_related("indicator", "entered_by")
        .order_by("indicator__name", "period_end", "pk")
    )


# What a measurement's history names as changed: every field but the bookkeeping.
MEASUREMENT_HISTORY_FIELDS = compared_fields(Measurement)


@dataclass(frozen=True)
class MeasurementVersion:
    """One version of a measurement: when, by whom and why, and what changed from the last."""

    history_id: int
    when: datetime.datetime
    who: str
    reason: str
    changes: list[LabelledChange]
    recorded: bool


def measurement_history(measurement: Measurement) -> list[MeasurementVersion]:
    """Every version of the measurement, newest first, each compared with the one before it."""
    rows = (
        Measurement.history.filter(id=measurement.pk)
        .select_related("history_user")
        .order_by("history_id")
    )
    versions: list[MeasurementVersion] = []
    previous = None
    for row in rows:
        user = row.history_user
        versions.append(
            MeasurementVersion(
                history_id=row.history_id,
                when=row.history_date,
                who=str(user) if user is not None else _("das System"),
                reason=row.history_change_reason or "",
                changes=labelled_changes(previous, row, fields=MEASUREMENT_HISTORY_FIELDS),
                recorded=previous is None,
            )
        )
        previous = row
    return versions[::-1]


@dataclass
class Series:
    """The measurements of one indicator of one use case (or of an organisation) over time."""

    indicator_id: int
    name: str
    unit: str
    direction: str
    is_public: bool
    points: list[tuple[datetime.date, Decimal, str]] = field(default_factory=list)
    baseline: Decimal | None = None
    latest: Decimal | None = None
    use_cases: int = 0

    @property
    def change_percent(self) -> float | None:
        if self.baseline is None or self.latest is None or self.baseline == 0:
            return None
        return round(float((self.latest - self.baseline) / self.baseline * 100), 1)

    @property
    def improved(self) -> bool | None:
        if self.baseline is None or self.latest is None or self.latest == self.baseline:
            return None
        lower = self.latest < self.baseline
        return lower if self.direction == Indicator.Direction.LOWER else not lower


def _series_of(indicator: Indicator) -> Series:
    return Series(
        indicator_id=indicator.pk,
        name=indicator.name,
        unit=indicator.unit,
        direction=indicator.direction,
        is_public=indicator.is_public,
    )


def series_of(measurements: list[Measurement]) -> list[Series]:
    """One use case's measurements as a series per indicator: baseline (the latest before the
    start) and latest value in operation."""
    by_indicator: dict[int, Series] = {}
    for item in sorted(measurements, key=lambda m: (m.indicator.name, m.period_end, m.pk)):
        series = by_indicator.setdefault(item.indicator_id, _series_of(item.indicator))
        series.points.append((item.period_end, item.value, item.phase))
        if item.phase == Phase.BASELINE:
            series.baseline = item.value
        else:
            series.latest = item.value
        series.use_cases = 1
    return list(by_indicator.values())


def _published_use_case_ids() -> QuerySet[PublishedUseCase, Any]:
    return PublishedUseCase.objects.values("use_case_id")


def public_measurements(organisation: Organisation | None = None) -> QuerySet[Measurement]:
    """Measurements the public may see: of published indicators of published use cases, with
    the public record's title and organisation (nothing of the internal use case)."""
    queryset = Measurement.objects.filter(
        indicator__is_public=True, use_case_id__in=_published_use_case_ids()
    )
    if organisation is not None:
        queryset = queryset.filter(use_case__organisation=organisation)
    return (
        queryset.select_related("indicator")
        .annotate(
            public_title=F("use_case__publication__title"),
            organisation_slug=F("use_case__publication__organisation__slug"),
            organisation_name=F("use_case__publication__organisation__name"),
        )
        .order_by("organisation_name", "use_case_id", "indicator__name", "period_end", "pk")
    )


def _organisation_measurements(
    organisation: Organisation, *, published_only: bool
) -> QuerySet[Measurement]:
    if published_only:
        return public_measurements(organisation).order_by()
    use_cases = UseCase.objects.filter(organisation=organisation).order_by().values("pk")
    # Each use case's series from measurement_series_idx: with a join the planner scanned every
    # measurement of the installation (60 ms instead of 5 at tier L).
    return Measurement.objects.filter(one_of("use_case_id", use_cases)).order_by()


def _mean_or_sum(values: list[Decimal], aggregate: str) -> Decimal:
    if aggregate == "sum":
        return sum(values, Decimal(0))
    return Decimal(str(round(statistics.fmean(values), 2)))


def outcome_trend(organisation: Organisation, *, published_only: bool = False) -> list[Series]:
    """Per indicator of the organisation: the baseline and the latest value, over the use cases
    that have both (summed for volumes and hours, averaged for times and rates); two queries."""
    latest = (
        _organisation_measurements(organisation, published_only=published_only)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("use_case_id"), F("indicator_id"), F("phase")],
                order_by=[F("period_end").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values_list("use_case_id", "indicator_id", "phase", "value")
        # No order: the window's filter would otherwise sort by the models' default ordering,
        # joining the use case, its organisation and the indicator for it.
        .order_by()
    )
    pairs: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for use_case_id, indicator_id, phase, value in latest:
        pairs[indicator_id][use_case_id][phase] = value
    indicators = Indicator.objects.filter(pk__in=list(pairs)).order_by("name")
    trends = []
    for indicator in indicators:
        both = [
            v for v in pairs[indicator.pk].values() if Phase.BASELINE in v and Phase.FOLLOW_UP in v
        ]
        series = _series_of(indicator)
        series.use_cases = len(both)
        if both:
            aggregate = aggregate_of(indicator)
            series.baseline = _mean_or_sum([v[Phase.BASELINE] for v in both], aggregate)
            series.latest = _mean_or_sum([v[Phase.FOLLOW_UP] for v in both], aggregate)
        trends.append(series)
    return trends


def organisation_series(
    organisation: Organisation, *, published_only: bool = False
) -> list[Series]:
    """Per indicator, the organisation's values by quarter (each use case's mean in the quarter,
    then summed or averaged over the use cases); two queries."""
    # The quarter as two small integers: DATE_TRUNC of a date is a timestamp with time zone in
    # PostgreSQL, and parsing thousands of them was half of the dashboard's outcome section.
    cells = (
        _organisation_measurements(organisation, published_only=published_only)
        .annotate(year=ExtractYear("period_end"), quarter=ExtractQuarter("period_end"))
        .order_by()
        .values("indicator_id", "use_case_id", "year", "quarter")
        .annotate(
            mean=Round(Avg("value"), 2), baselines=Count("pk", filter=Q(phase=Phase.BASELINE))
        )
    )
    quarters: dict[int, list[tuple[datetime.date, Any, int, int]]] = defaultdict(list)
    use_cases: dict[int, int] = {}
    for indicator_id, year, number, total, count, baselines in _per_quarter(cells):
        if year is None:
            use_cases[indicator_id] = count
        else:
            quarters[indicator_id].append(
                # EXTRACT is numeric in PostgreSQL: the ORM's converters are not applied here.
                (datetime.date(int(year), 3 * int(number) - 2, 1), total, count, baselines)
            )
    result = []
    for indicator in Indicator.objects.filter(pk__in=list(quarters)).order_by("name"):
        series = _series_of(indicator)
        aggregate = aggregate_of(indicator)
        for quarter, total, count, baselines in sorted(quarters[indicator.pk]):
            phase = Phase.BASELINE if baselines else Phase.FOLLOW_UP
            series.points.append((quarter, _sum_or_mean(total, count, aggregate), phase))
        series.use_cases = use_cases.get(indicator.pk, 0)
        result.append(series)
    return result


def _per_quarter(cells: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The cells (one per indicator, use case and quarter) aggregated in the database: per
    indicator and quarter their sum, count and baselines; per indicator (year None) its use
    cases. A few dozen rows instead of one per use case and quarter (3,800 for the largest
    organisation at tier L, a quarter of the dashboard's time in Python). An aggregate of an
    aggregate, which the ORM cannot write: the cells' own SQL and parameters, named `cell`."""
    sql, params = cells.query.sql_with_params()
    q = connection.ops.quote_name
    indicator, use_case, year, quarter = (
        q(n) for n in ("indicator_id", "use_case_id", "year", "quarter")
    )
    statement = (
        f"WITH cell AS ({sql}) "  # noqa: S608 - the ORM's SQL with its parameters
        f"SELECT {indicator}, {year}, {quarter}, SUM({q('mean')}), COUNT(*), "
        f"MAX({q('baselines')}) FROM cell GROUP BY {indicator}, {year}, {quarter} "
        f"UNION ALL SELECT {indicator}, NULL, NULL, NULL, COUNT(DISTINCT {use_case}), NULL "
        f"FROM cell GROUP BY {indicator}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [tuple(row) for row in cursor.fetchall()]


def _sum_or_mean(total: Any, count: int, aggregate: str) -> Decimal:
    """A quarter's value from the sum of its use cases' means (rounded to cents) and their
    number: the sum for volumes and hours, the mean for times and rates."""
    if aggregate == "sum":
        # To the cent: on SQLite the sum is a float.
        return Decimal(str(round(total, 2)))
    return Decimal(str(round(float(total) / count, 2)))


# -- to-dos ---------------------------------------------------------------------------------------


def _has_baseline() -> Exists:
    return Exists(Measurement.objects.filter(use_case=OuterRef("pk"), phase=Phase.BASELINE))


def _fresh_follow_up() -> Exists:
    return Exists(
        Measurement.objects.filter(
            use_case=OuterRef("pk"),
            phase=Phase.FOLLOW_UP,
            period_end__gte=ExpressionWrapper(
                OuterRef("next_review_date") - datetime.timedelta(days=FRESH_BEFORE_REVIEW_DAYS),
                output_field=DateField(),
            ),
        )
    )


def with_outcome_todos(queryset: QuerySet[UseCase]) -> QuerySet[UseCase]:
    """The use cases with `baseline_missing` and `measurement_due` annotated.

    A baseline is asked for from the approval on (the next step puts the use case into
    operation); a measurement in operation is due with each periodic review.
    """
    soon = timezone.localdate() + datetime.timedelta(days=REVIEW_LEAD_DAYS)
    return queryset.annotate(
        has_baseline=_has_baseline(),
        has_fresh_follow_up=_fresh_follow_up(),
    ).annotate(
        baseline_missing=ExpressionWrapper(
            Q(workflow_state__in=BASELINE_STATES, has_baseline=False),
            output_field=BooleanField(),
        ),
        measurement_due=ExpressionWrapper(
            Q(
                workflow_state__in=(State.IN_OPERATION, State.SUSPENDED),
                next_review_date__lte=soon,
                has_fresh_follow_up=False,
            ),
            output_field=BooleanField(),
        ),
    )


@dataclass(frozen=True)
class OutcomeTodos:
    baseline_missing: bool
    measurement_due: bool
    review_date: datetime.date | None

    def __bool__(self) -> bool:
        return self.baseline_missing or self.measurement_due


def outcome_todos_of(use_case: UseCase) -> OutcomeTodos:
    """What the use case's outcomes still need: a baseline, or a measurement for the review."""
    row = with_outcome_todos(UseCase.objects.filter(pk=use_case.pk)).get()
    return OutcomeTodos(
        bool(getattr(row, "baseline_missing", False)),
        bool(getattr(row, "measurement_due", False)),
        row.next_review_date,
    )


def outcome_todos_in(organisation: Organisation) -> QuerySet[UseCase]:
    """The organisation's use cases that need a baseline or a measurement for their review."""
    return (
        with_outcome_todos(UseCase.objects.filter(organisation=organisation))
        .filter(Q(baseline_missing=True) | Q(measurement_due=True))
        .select_related("department")
        # The columns the dashboard's list shows (a use case has some 80).
        .only("title", "workflow_state", "next_review_date", "department__name")
        .order_by("next_review_date", "title", "pk")
    )


def objections_of(use_case: UseCase) -> dict[str, int]:
    """The objections the register holds for the use case (beside the error or objection rate)."""
    return objection_counts([use_case.pk]).get(
        use_case.pk, {"received": 0, "decided": 0, "changed": 0}
    )


def standard_unit(kind: str) -> str:
    standard = STANDARD_BY_KIND.get(kind)
    return "" if standard is None else str(standard.unit)
