"""What a transparency report says, computed from public records only.

The register's state comes from the public change log (the history of PublishedUseCase), so a
report for a past year shows the register as the public saw it then, and nothing internal (staff,
reasons, unapproved changes) can reach it. Decisions are counted; only entries that were public at
the end of the period are named.
"""

import datetime
import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organisation
from governance.models import Decision
from governance.reports.grammar import Gender, grammatical_gender
from governance.reports.periods import Period
from incidents.models import Objection
from incidents.selectors import objection_counts
from registry.models import PublishedUseCase, UseCase
from registry.public.selectors import change_kind, changed_fields, field_labels, german_sort_key

HistoricalPublishedUseCase = PublishedUseCase.history.model
WITHDRAWN = "-"


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: the bar's length is its share of the longest bar, in percent."""

    key: str
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class Entry:
    """A public entry named in the report, with the day of the event and its public title."""

    use_case_id: int
    title: str
    department: str
    day: datetime.date
    details: str = ""
    # Whether the entry is public when the report is made, so that it has a page to link to.
    is_public: bool = False


@dataclass(frozen=True)
class ObjectionCount:
    """Objections to one public use case received in the period, and how many were decided."""

    use_case_id: int
    title: str
    received: int
    decided: int
    changed: int
    is_public: bool = False


@dataclass
class ReportContent:
    """Everything a report shows; built by `build_report_content`."""

    organisation: Organisation
    period: Period
    generated_at: datetime.datetime
    # The moment the register's state is shown for: the period's end, or now for a running period.
    as_of: datetime.datetime
    total_at_start: int
    total_at_end: int
    by_risk_class: list[Bar]
    by_status: list[Bar]
    by_department: list[Bar]
    added: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    retired: list[Entry] = field(default_factory=list)
    withdrawn: list[Entry] = field(default_factory=list)
    decisions_total: int = 0
    decisions_by_outcome: list[Bar] = field(default_factory=list)
    decisions: list[Entry] = field(default_factory=list)
    decisions_unnamed: int = 0
    overdue_reviews: int = 0
    overdue_by_risk_class: list[Bar] = field(default_factory=list)
    # Objections received in the period, per public use case: counts only, never their content.
    objections: list[ObjectionCount] = field(default_factory=list)

    @property
    def reference_day(self) -> datetime.date:
        """The day the counts refer to: the period's last day, or today while it runs."""
        return timezone.localdate(self.as_of - datetime.timedelta(microseconds=1))

    @property
    def is_complete(self) -> bool:
        return self.as_of >= self.period.ends_before

    @property
    def organisation_gender(self) -> Gender | None:
        """How the report's sentences name the organisation: "die Stadt …", "der Landkreis …"."""
        return grammatical_gender(self.organisation.name)


def bars(rows: list[tuple[str, Any, int]]) -> list[Bar]:
    """Bar chart rows from (key, label, count), scaled to the longest bar."""
    longest = max((count for _key, _label, count in rows), default=0)
    return [
        Bar(key, str(label), count, round(100 * count / longest) if longest else 0)
        for key, label, count in rows
    ]


def _public_history(organisation: Organisation, before: datetime.datetime) -> QuerySet[Any]:
    # simple-history's generated model and its manager are untyped.
    history: QuerySet[Any] = (
        HistoricalPublishedUseCase.objects.filter(
            organisation_id=organisation.pk, history_date__lt=before
        )
        .defer("history_user", "history_change_reason")
        .order_by("use_case_id", "history_date", "history_id")
    )
    return history


def _is_public(version: Any) -> bool:
    return version is not None and version.history_type != WITHDRAWN


def _entry(version: Any, details: str = "") -> Entry:
    return Entry(
        use_case_id=version.use_case_id,
        title=version.title,
        department=version.department_name,
        day=timezone.localdate(version.history_date),
        details=details,
    )


def _by_day(entries: dict[int, Entry], public_ids: set[int]) -> list[Entry]:
    return sorted(
        (replace(e, is_public=e.use_case_id in public_ids) for e in entries.values()),
        key=lambda e: (e.day, german_sort_key(e.title)),
    )


def build_report_content(
    organisation: Organisation, period: Period, *, now: datetime.datetime | None = None
) -> ReportContent:
    """The register of one organisation at the start and end of a period and its public events."""
    generated_at = now or timezone.now()
    as_of = min(period.ends_before, generated_at)
    starts_at = period.starts_at
    labels = field_labels()

    at_start: dict[int, Any] = {}
    at_end: dict[int, Any] = {}
    added: dict[int, Entry] = {}
    changed: dict[int, tuple[Any, set[str]]] = {}
    retired: dict[int, Entry] = {}
    withdrawn: dict[int, Entry] = {}
    history = _public_history(organisation, as_of)
    for use_case_id, versions in itertools.groupby(history, key=lambda v: v.use_case_id):
        previous = None
        for version in versions:
            if version.history_date < starts_at:
                at_start[use_case_id] = version
            else:
                kind = change_kind(version, previous)
                if kind == "published":
                    added[use_case_id] = _entry(version)
                elif kind == "withdrawn":
                    withdrawn[use_case_id] = _entry(version)
                else:
                    names = changed_fields(version, previous)
                    if "status" in names and version.status == UseCase.Status.RETIRED:
                        retired[use_case_id] = _entry(version)
                    elif names:
                        _version, seen = changed.get(use_case_id, (None, set()))
                        changed[use_case_id] = (version, seen | set(names))
            at_end[use_case_id] = version
            previous = version

    start_register = [v for v in at_start.values() if _is_public(v)]
    end_register = [v for v in at_end.values() if _is_public(v)]
    changed_entries = {
        use_case_id: _entry(version, ", ".join(labels[n] for n in labels if n in names))
        for use_case_id, (version, names) in changed.items()
        if use_case_id not in added
    }

    risk = Counter(v.risk_class for v in end_register)
    status = Counter(v.status for v in end_register)
    departments = Counter(v.department_name for v in end_register)
    # Overdue as the review reminders count it: the review date lies before the day after.
    first_day_after = timezone.localdate(as_of)
    overdue = [
        v
        for v in end_register
        if v.next_review_date is not None
        and v.next_review_date < first_day_after
        and v.status != UseCase.Status.RETIRED
    ]
    overdue_risk = Counter(v.risk_class for v in overdue)

    decisions = list(
        Decision.objects.filter(
            use_case__organisation=organisation, decided_at__gte=starts_at, decided_at__lt=as_of
        )
        .order_by("decided_at", "pk")
        .values_list("use_case_id", "outcome", "decided_at")
    )
    outcomes = Counter(outcome for _id, outcome, _at in decisions)
    public_now = {v.use_case_id: v for v in end_register}
    # Entries with a page today: the report links them (a withdrawn entry has no page).
    public_ids = set(
        PublishedUseCase.objects.filter(organisation_id=organisation.pk).values_list(
            "use_case_id", flat=True
        )
    )
    named = [
        Entry(
            use_case_id=use_case_id,
            title=public_now[use_case_id].title,
            department=public_now[use_case_id].department_name,
            day=timezone.localdate(decided_at),
            details=str(Decision.Outcome(outcome).label),
            is_public=use_case_id in public_ids,
        )
        for use_case_id, outcome, decided_at in decisions
        if use_case_id in public_now
    ]

    received = Objection.objects.filter(
        use_case__organisation=organisation, received_at__gte=starts_at, received_at__lt=as_of
    ).values_list("use_case_id", flat=True)
    counts = objection_counts([pk for pk in set(received) if pk in public_now])
    objections = sorted(
        (
            ObjectionCount(
                use_case_id=pk,
                title=public_now[pk].title,
                received=row["received"],
                decided=row["decided"],
                changed=row["changed"],
                is_public=pk in public_ids,
            )
            for pk, row in counts.items()
        ),
        key=lambda row: german_sort_key(row.title),
    )

    return ReportContent(
        organisation=organisation,
        period=period,
        generated_at=generated_at,
        as_of=as_of,
        total_at_start=len(start_register),
        total_at_end=len(end_register),
        by_risk_class=bars(
            [(value, label, risk.get(value, 0)) for value, label in UseCase.RiskClass.choices]
        ),
        by_status=bars(
            [(value, label, status.get(value, 0)) for value, label in UseCase.Status.choices]
        ),
        by_department=bars(
            [(name, name, departments[name]) for name in sorted(departments, key=german_sort_key)]
        ),
        added=_by_day(added, public_ids),
        changed=_by_day(changed_entries, public_ids),
        retired=_by_day(retired, public_ids),
        withdrawn=_by_day(withdrawn, public_ids),
        decisions_total=len(decisions),
        decisions_by_outcome=bars(
            [(value, label, outcomes.get(value, 0)) for value, label in Decision.Outcome.choices]
        ),
        decisions=named,
        decisions_unnamed=len(decisions) - len(named),
        overdue_reviews=len(overdue),
        overdue_by_risk_class=bars(
            [
                (value, label, overdue_risk[value])
                for value, label in UseCase.RiskClass.choices
                if overdue_risk.get(value)
            ]
        ),
        objections=objections,
    )
