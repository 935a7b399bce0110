"""Reads of the public register: only PublishedUseCase and its history, never UseCase."""

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.logos import logo_name
from accounts.models import Organisation
from registry.history import compared_fields, field_changes
from registry.models import AISystem, PublishedUseCase, UseCase
from registry.publication import PublicFieldChange, public_field_changes, withhold_version

HistoricalPublishedUseCase = PublishedUseCase.history.model

# The content of a public record, in the order in which the change log names changed fields; a
# change to the bookkeeping fields alone (a re-publication's date) is no news. The organisation
# counts as content but never changes: a use case does not move between organisations.
CONTENT_FIELDS = compared_fields(PublishedUseCase)
UNCLASSIFIED = "unclassified"
# Up to this many organisations the search offers a select; beyond it a text field (issue 8).
ORGANISATION_SELECT_LIMIT = 200
# Counting stops here: beyond it a list says "more than" instead of paying for an exact count.
COUNT_LIMIT = 1000
UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def field_labels() -> dict[str, str]:
    """German labels (in the active language) of the public content fields, for the change log."""
    return {f.name: str(f.verbose_name) for f in CONTENT_FIELDS}


def published_use_cases() -> QuerySet[PublishedUseCase]:
    """Every entry of the public register, with its organisation."""
    return PublishedUseCase.objects.select_related("organisation")


def public_organisations() -> QuerySet[Organisation]:
    """Organisations that have at least one published use case."""
    has_entries = PublishedUseCase.objects.filter(organisation=OuterRef("pk"))
    return Organisation.objects.filter(Exists(has_entries)).order_by("name")


def organisation_choices(limit: int | None = None) -> list[Organisation] | None:
    """The organisations with published entries in name order, or None when there are more than
    a select can offer (one bounded query, however many organisations the installation has)."""
    limit = ORGANISATION_SELECT_LIMIT if limit is None else limit
    has_entries = PublishedUseCase.objects.filter(organisation=OuterRef("pk"))
    candidates = Organisation.objects.filter(Exists(has_entries)).order_by()
    organisations = list(candidates.only("pk", "name", "slug", "ags")[: limit + 1])
    if len(organisations) > limit:
        return None
    return sorted(organisations, key=lambda o: german_sort_key(o.name))


def german_sort_key(text: str) -> str:
    """A sort key that files umlauts with their base letter (DIN 5007-1), case-insensitively."""
    return text.casefold().translate(UMLAUTS)


def organisation_directory(query: str = "") -> QuerySet[Organisation]:
    """Organisations with published entries in name order, optionally those whose name contains
    the query or whose AGS starts with it."""
    organisations = public_organisations()
    if query.isdigit():
        organisations = organisations.filter(ags__startswith=query)
    elif query:
        organisations = organisations.filter(name__icontains=query)
    return organisations


def published_counts(organisation_ids: list[int]) -> dict[int, int]:
    """How many published entries each of the given organisations has."""
    rows = (
        PublishedUseCase.objects.filter(organisation_id__in=organisation_ids)
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def count_public_organisations(latest: datetime.datetime | None, query: str = "") -> int:
    """How many organisations the directory lists; unsearched, counted once per register version."""
    if query:
        return organisation_directory(query).order_by().count()
    if latest is None:
        return 0
    key = f"public-organisations-total:{latest.isoformat()}"
    return cast(int, cache.get_or_set(key, public_organisations().order_by().count, timeout=3600))


def find_public_organisations(value: str) -> list[Organisation]:
    """Organisations with published entries whose slug, AGS or name (any case) is the value; an
    exact slug or AGS match comes first, and at most two are returned (enough to see ambiguity)."""
    identifies = Q(slug=value) | Q(ags=value)
    return list(
        public_organisations()
        .filter(identifies | Q(name__iexact=value))
        .order_by(Case(When(identifies, then=Value(0)), default=Value(1)), "pk")[:2]
    )


def access_public_organisation(slug: str) -> Organisation:
    """The organisation with this slug if it has published entries; 404 otherwise."""
    organisation = public_organisations().filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def access_organisation_logo(slug: str, key: str) -> str:
    """The storage name of an organisation's current logo under its address; 404 for any
    other key. The key's 256 random bits are the address: whoever was shown it may fetch it."""
    name = logo_name(key)
    if name is None or not Organisation.objects.filter(slug=slug, logo=name).exists():
        raise Http404
    return name


def access_published_use_case(use_case_id: int) -> PublishedUseCase:
    """The published entry of a use case; 404 when it was never published or is withdrawn."""
    record = published_use_cases().filter(use_case_id=use_case_id).first()
    if record is None:
        raise Http404
    return record


def department_names(organisation: Organisation | None = None) -> list[str]:
    """The department names that occur in published entries, optionally of one organisation."""
    records = PublishedUseCase.objects.all()
    if organisation is not None:
        records = records.filter(organisation=organisation)
    return list(
        records.order_by("department_name").values_list("department_name", flat=True).distinct()
    )


@dataclass(frozen=True)
class RegisterFilter:
    """A validated search of the public register."""

    query: str = ""
    organisation: Organisation | None = None
    department: str = ""
    risk_class: str = ""
    status: str = ""
    technique: str = ""
    service: str = ""
    ordering: str = "title"


ORDERINGS: dict[str, tuple[str, ...]] = {
    "title": ("title", "pk"),
    "newest": ("-published_at", "-pk"),
    "organisation": ("organisation__name", "title", "pk"),
    "risk": ("risk_class", "title", "pk"),
}


# Below this many estimated matches a search sorts its matches instead of walking an index in
# the list's order (see filter_published_use_cases).
SORT_MATCHES_LIMIT = 20_000


def unindexed(model: type[Model], name: str) -> Any:
    """The field's value by an expression no index provides: the same order, but the database
    has to sort the matches rather than walk an index in that order. `name` may follow a
    relation (`organisation__name`); such a field is taken to be text."""
    field = None if "__" in name else model._meta.get_field(name)
    if isinstance(field, DateTimeField):
        return ExpressionWrapper(F(name) + datetime.timedelta(0), output_field=DateTimeField())
    if field is None or isinstance(field, CharField | TextField):
        return Concat(F(name), Value(""), output_field=TextField())
    return ExpressionWrapper(F(name) + 0, output_field=IntegerField())


# The orderings again, for a search with few matches; the primary key stays the tie-breaker.
SORTED_ORDERINGS: dict[str, tuple[Any, ...]] = {
    key: tuple(
        field
        if field.lstrip("-") == "pk"
        else (
            unindexed(PublishedUseCase, field.lstrip("-")).desc()
            if field.startswith("-")
            else unindexed(PublishedUseCase, field).asc()
        )
        for field in fields
    )
    for key, fields in ORDERINGS.items()
}


def estimated_rows(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of how many rows the queryset yields (its planner's, not a count).

    The trigram statistics estimate a search's matches closely; None on other databases."""
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        # A condition that can match nothing (an id out of range, .none()) has no SQL to plan.
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def few_matches(queryset: QuerySet[Any]) -> bool:
    """Whether PostgreSQL expects a search to match few enough rows to sort them.

    With a search term, walking the index of the list's order and testing every row finds the
    first page fast when matches are many and spread out, but reads most of the table when they
    are few or bunched at the end of that order (every "Vorprüfung von …" sorts under V); then
    sorting the matches is cheap. False where there is no estimate (other databases).
    """
    estimate = estimated_rows(queryset)
    return estimate is not None and estimate <= SORT_MATCHES_LIMIT


def _json_text(value: str) -> str:
    # JSON columns are searched as text: SQLite keeps Django's json.dumps output (ASCII-escaped),
    # PostgreSQL's jsonb prints characters as they are.
    return json.dumps(value, ensure_ascii=connection.vendor != "postgresql")[1:-1]


def filter_published_use_cases(search: RegisterFilter) -> QuerySet[PublishedUseCase]:
    """The published entries matching a search, in its order."""
    records = _matching(published_use_cases(), search)
    if search.query and few_matches(records):
        return records.order_by(*SORTED_ORDERINGS[search.ordering])
    return records.order_by(*ORDERINGS[search.ordering])


def _matching(
    records: QuerySet[PublishedUseCase], search: RegisterFilter
) -> QuerySet[PublishedUseCase]:
    if search.query:
        term = search.query
        records = records.filter(
            Q(title__icontains=term)
            | Q(short_description__icontains=term)
            | Q(purpose__icontains=term)
            | Q(department_name__icontains=term)
            | Q(ai_system_name__icontains=term)
            | Q(vendor__icontains=term)
            | Q(product__icontains=term)
        )
    if search.organisation is not None:
        records = records.filter(organisation=search.organisation)
    if search.department:
        records = records.filter(department_name__iexact=search.department)
    if search.risk_class:
        records = records.filter(
            risk_class="" if search.risk_class == UNCLASSIFIED else search.risk_class
        )
    if search.status:
        records = records.filter(status=search.status)
    if search.technique:
        records = records.filter(technique=search.technique)
    if search.service:
        records = records.annotate(services_text=Cast("public_services", TextField()))
        if search.service.isdigit():
            # A LeiKa key or the start of one: the service area's leading digits.
            records = records.filter(services_text__contains=f'"leika_key": "{search.service}')
        else:
            records = records.filter(services_text__icontains=_json_text(search.service))
    return records


# The filters that show how many entries each of their options would list: the search's field,
# the model field and the options (risk classes offer "unclassified" for the empty value).
FACETS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "risk_class": (
        "risk_class",
        [(value or UNCLASSIFIED, value) for value, _label in UseCase.RiskClass.choices],
    ),
    "status": ("status", [(value, value) for value, _label in UseCase.Status.choices]),
    "technique": ("technique", [(value, value) for value, _label in AISystem.Technique.choices]),
}


def _version_key(
    prefix: str, latest: datetime.datetime | None, query: QuerySet[Any, Any], *extra: Any
) -> str:
    """The cache key of what a query gives in one version of the register (a change of the
    register is a new key, so nothing stale is served)."""
    sql, params = query.query.sql_with_params()
    version = latest.isoformat() if latest else ""
    return prefix + hashlib.sha256(repr((version, sql, params, *extra)).encode()).hexdigest()


def facet_counts(
    search: RegisterFilter, latest: datetime.datetime | None
) -> dict[str, dict[str, int]]:
    """How many entries each option of each faceted filter would list, the other filters and the
    search applied but not the facet's own choice; one query, kept per register version."""
    base = _matching(
        PublishedUseCase.objects.all(),
        dataclasses.replace(search, risk_class="", status="", technique=""),
    ).order_by()
    chosen = {name: getattr(search, name) for name in FACETS}
    counts: dict[str, Count] = {}
    keys: dict[str, tuple[str, str]] = {}
    for name, (field, options) in FACETS.items():
        others = Q()
        for other, (other_field, other_options) in FACETS.items():
            if other != name and chosen[other]:
                stored = dict(other_options)[chosen[other]]
                others &= Q(**{other_field: stored})
        for value, stored in options:
            alias = f"facet_{len(counts)}"
            counts[alias] = Count("pk", filter=others & Q(**{field: stored}))
            keys[alias] = (name, value)
    key = _version_key("public-register-facets:", latest, base, chosen)
    row = cast(
        dict[str, int], cache.get_or_set(key, lambda: base.aggregate(**counts), timeout=3600)
    )
    result: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for alias, (name, value) in keys.items():
        result[name][value] = row[alias] or 0
    return result


def no_facet_counts() -> dict[str, dict[str, int]]:
    """facet_counts() of a search nothing matches, without asking the database."""
    return {
        name: {value: 0 for value, _stored in options} for name, (_f, options) in FACETS.items()
    }


def organisation_facet(search: RegisterFilter, latest: datetime.datetime | None) -> dict[int, int]:
    """How many entries each organisation would list, the search and the other filters applied;
    one grouped query, kept per register version."""
    base = _matching(
        PublishedUseCase.objects.all(), dataclasses.replace(search, organisation=None)
    ).order_by()
    rows = base.values_list("organisation_id").annotate(n=Count("pk"))
    key = _version_key("public-register-organisations:", latest, rows)
    return dict(cast(list[tuple[int, int]], cache.get_or_set(key, lambda: list(rows), 3600)))


def register_freshness() -> datetime.datetime | None:
    """When the public register last changed anywhere (every change leaves a history row)."""
    latest: datetime.datetime | None = HistoricalPublishedUseCase.objects.aggregate(
        latest=Max("history_date")
    )["latest"]
    return latest


def count_published(
    records: QuerySet[PublishedUseCase],
    latest: datetime.datetime | None,
    *,
    limit: int | None = None,
) -> tuple[int, bool]:
    """How many entries a list holds, counting no further than the limit; True when there are
    more (a broad search over the whole register then costs a bounded scan, not a full count).
    A search asked again before the register changes reuses its count."""
    limit = COUNT_LIMIT if limit is None else limit
    bounded = records.order_by()[: limit + 1]
    key = _version_key("public-register-count:", latest, bounded)
    counted = cast(int, cache.get_or_set(key, bounded.count, timeout=3600))
    return min(counted, limit), counted > limit


def total_published(latest: datetime.datetime | None) -> int:
    """How many entries the whole register holds, counted once per version of the register."""
    if latest is None:
        return 0
    key = f"public-register-total:{latest.isoformat()}"
    return cast(int, cache.get_or_set(key, PublishedUseCase.objects.count, timeout=3600))


def changes_freshness(organisation: Organisation | None = None) -> datetime.datetime | None:
    """When the public change log (of all organisations or one) last changed."""
    history = HistoricalPublishedUseCase.objects.all()
    if organisation is not None:
        history = history.filter(organisation_id=organisation.pk)
    latest: datetime.datetime | None = history.aggregate(latest=Max("history_date"))["latest"]
    return latest


# What else a use case's public page shows, from apps above the registry (the documents a board
# published: evidence): each gives, for a use case, a subquery of when its part last changed,
# read in the same query as the page's own version.
_FRESHNESS_SOURCES: list[Callable[[int], Subquery]] = []


def register_freshness_source(source: Callable[[int], Subquery]) -> None:
    """Let an app's part of the public page count for the page's version (AppConfig.ready)."""
    if source not in _FRESHNESS_SOURCES:
        _FRESHNESS_SOURCES.append(source)


def _use_case_versions(use_case_id: int, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = HistoricalPublishedUseCase.objects.filter(
        Q(use_case_id=use_case_id) | Q(adopted_from_id=use_case_id)
    ).aggregate(
        latest=Max("history_date"),
        **{f"source_{n}": Max(source(use_case_id)) for n, source in enumerate(_FRESHNESS_SOURCES)},
        **extra,
    )
    return values


def _latest(values: dict[str, Any]) -> datetime.datetime | None:
    if values["latest"] is None:  # never public: nothing else of it is shown
        return None
    latest: datetime.datetime = max(
        value
        for name, value in values.items()
        if value is not None and (name == "latest" or name.startswith("source_"))
    )
    return latest


def use_case_freshness(use_case_id: int) -> datetime.datetime | None:
    """When the public change log of one use case, or of a public record adopted from it (whose
    count its page shows), or another part of its page last changed. One query."""
    return _latest(_use_case_versions(use_case_id))


@dataclass(frozen=True)
class EntryFreshness:
    """The version of an entry page and the published facts that make it change with the day."""

    latest: datetime.datetime | None
    next_review_date: datetime.date | None
    status: str


def entry_freshness(use_case_id: int) -> EntryFreshness:
    """use_case_freshness, with the published review date and status of the entry. One query."""
    current = PublishedUseCase.objects.filter(use_case_id=use_case_id)
    values = _use_case_versions(
        use_case_id,
        review=Max(Subquery(current.values("next_review_date")[:1])),
        status=Max(Subquery(current.values("status")[:1])),
    )
    return EntryFreshness(_latest(values), values["review"], values["status"] or "")


def organisation_counts(organisation: Organisation) -> dict[str, Any]:
    """How many published entries an organisation has, in all, by risk class and by status."""
    records = PublishedUseCase.objects.filter(organisation=organisation).order_by()
    by_risk = dict(records.values_list("risk_class").annotate(n=Count("pk")))
    by_status = dict(records.values_list("status").annotate(n=Count("pk")))
    return {
        "total": sum(by_risk.values()),
        "by_risk": [
            (label, by_risk[value])
            for value, label in UseCase.RiskClass.choices
            if by_risk.get(value)
        ],
        "by_status": [
            (label, by_status[value])
            for value, label in UseCase.Status.choices
            if by_status.get(value)
        ],
    }


@dataclass(frozen=True)
class ChangeLogEntry:
    """One published version of a use case and what it changed against the one before."""

    version: Any
    kind: str
    changes: list[PublicFieldChange]


def change_log(use_case_id: int, withheld: dict[str, str]) -> list[ChangeLogEntry]:
    """The public change log of a use case, newest first, with the fields each version changed;
    `withheld` is what the current public record withholds, which the log withholds too."""
    versions = list(
        HistoricalPublishedUseCase.objects.filter(use_case_id=use_case_id)
        .defer("history_user", "history_change_reason")
        .order_by("history_date", "history_id")
    )
    entries: list[ChangeLogEntry] = []
    previous = None
    for version in versions:
        entry = ChangeLogEntry(
            version=version,
            kind=change_kind(version, previous),
            changes=public_version_changes(version, previous, withheld),
        )
        # A re-publication that changed no content field (only its date) is no news.
        if entry.kind != "changed" or entry.changes:
            entries.append(entry)
        previous = version
    entries.reverse()
    return entries


def access_published_version(use_case_id: int, history_id: int) -> Any:
    """A version of a currently published use case as it was published, but without what the use
    case withholds now; 404 for anything else."""
    record = access_published_use_case(use_case_id)
    version = (
        HistoricalPublishedUseCase.objects.select_related("organisation")
        .defer("history_user", "history_change_reason")
        .filter(use_case_id=use_case_id, history_id=history_id)
        .exclude(history_type="-")
        .first()
    )
    if version is None:
        raise Http404
    return withhold_version(version, record.withheld or {})


def recent_changes(
    organisation: Organisation | None = None, *, limit: int = 50
) -> list[tuple[Any, Any]]:
    """The newest public changes with the version each one replaced, in two queries; each change
    carries what its use case withholds now (`withheld_now`, None once withdrawn)."""
    history = HistoricalPublishedUseCase.objects.all()
    if organisation is not None:
        history = history.filter(organisation_id=organisation.pk)
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    previous_id = (
        HistoricalPublishedUseCase.objects.filter(earlier, use_case_id=OuterRef("use_case_id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    withheld_now = PublishedUseCase.objects.filter(use_case_id=OuterRef("use_case_id")).values(
        "withheld"
    )[:1]
    versions = list(
        history.select_related("organisation")
        .defer("history_user", "history_change_reason")
        .annotate(previous_id=Subquery(previous_id), withheld_now=Subquery(withheld_now))
        .order_by("-history_date", "-history_id")[:limit]
    )
    previous = HistoricalPublishedUseCase.objects.defer(
        "history_user", "history_change_reason"
    ).in_bulk([v.previous_id for v in versions if v.previous_id])
    return [(v, previous.get(v.previous_id)) for v in versions]


def change_kind(version: Any, previous: Any) -> str:
    """Whether a version first published, changed or withdrew an entry."""
    if version.history_type == "-":
        return "withdrawn"
    if version.history_type == "+" or previous is None or previous.history_type == "-":
        return "published"
    return "changed"


def changed_fields(version: Any, previous: Any) -> list[str]:
    """The content fields in which a version differs from the one before it."""
    if change_kind(version, previous) != "changed":
        return []
    return [change.name for change in field_changes(previous, version, fields=CONTENT_FIELDS)]


def public_version_changes(
    version: Any, previous: Any, withheld: dict[str, str] | None
) -> list[PublicFieldChange]:
    """The content fields a changing version changed, without the values of withheld fields
    (`withheld`: what the current public record withholds)."""
    if change_kind(version, previous) != "changed":
        return []
    return public_field_changes(previous, version, fields=CONTENT_FIELDS, withheld=withheld)


def change_labels(changes: list[PublicFieldChange]) -> list[str]:
    """The German labels of changed fields for the change log; a withheld field says so."""
    labels = field_labels()
    return [
        _("%(field)s (zurückgehalten)") % {"field": labels[change.name]}
        if change.withheld
        else labels[change.name]
        for change in changes
    ]
