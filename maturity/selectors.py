"""Reads of the maturity pages, each a fixed number of queries whatever the organisation's size."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts import roles
from accounts.models import Membership, Organisation, User
from governance.models import AiLiteracyMeasure, ObligationItem
from governance.risk.dates import APPLICATION_DATES, TimingState, citation, state_on
from maturity.models import (
    AnswererNomination,
    MaturityMeasure,
    ReadinessAssessment,
    ServiceAssessment,
)
from maturity.questionnaires import (
    CRITERIA_BY_KEY,
    DIMENSIONS,
    GOVERNANCE_BASICS,
    READINESS_MAX_LEVEL,
    READINESS_QUESTIONS,
    governance_level,
)
from registry.models import PublicService, UseCase
from registry.permissions import use_cases_visible_to

# Below this many other organisations with an assessment, no distribution is shown: with fewer,
# one organisation's levels could be read off the counts.
DISTRIBUTION_MIN_ORGANISATIONS = 5

# Use cases that count for the governance basics: everything not retired or rejected.
LIVE_STATUSES = (
    UseCase.Status.IDEA,
    UseCase.Status.PLANNED,
    UseCase.Status.PILOT,
    UseCase.Status.IN_OPERATION,
)


def governance_basics(organisation: Organisation) -> dict[str, Any]:
    """The governance basics the register can check itself, with counts, in three queries."""
    held = set(
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .values_list("role", flat=True)
        .distinct()
    )
    use_cases = UseCase.objects.filter(organisation=organisation, status__in=LIVE_STATUSES)
    counts = use_cases.aggregate(
        total=Count("pk"),
        owner=Count("pk", filter=~Q(responsible_role="")),
        oversight=Count("pk", filter=~Q(oversight_mode="")),
        review_date=Count("pk", filter=Q(next_review_date__isnull=False)),
    )
    literacy = AiLiteracyMeasure.objects.filter(organisation=organisation).exists()
    total = counts["total"]
    met = {
        "board": Membership.Role.BOARD in held,
        "dpo": Membership.Role.DATA_PROTECTION_OFFICER in held,
        "iso": Membership.Role.INFORMATION_SECURITY_OFFICER in held,
        "staff_council": Membership.Role.STAFF_COUNCIL in held,
        "ai_literacy": literacy,
        # No use case yet: nothing is missing for it.
        "owner": counts["owner"] == total,
        "oversight": counts["oversight"] == total,
        "review_date": counts["review_date"] == total,
    }
    return {
        "met": met,
        "use_cases": total,
        "counts": {key: counts[key] for key in ("owner", "oversight", "review_date")},
        "level": governance_level(sum(met.values())),
    }


@dataclass(frozen=True)
class DimensionResult:
    """One dimension of the results page: its level now, before, and what holds it back."""

    key: str
    label: str
    level: int
    previous: int | None
    derived: bool
    missing: list[str] = field(default_factory=list)

    @property
    def trend(self) -> int | None:
        return None if self.previous is None else self.level - self.previous

    @property
    def percent(self) -> int:
        return round(100 * self.level / READINESS_MAX_LEVEL)


def readiness_assessments(organisation: Organisation) -> QuerySet[ReadinessAssessment]:
    """The organisation's readiness assessments, newest first, with who answered."""
    return ReadinessAssessment.objects.filter(organisation=organisation).select_related(
        "assessed_by"
    )


def results(
    latest: ReadinessAssessment, previous: ReadinessAssessment | None
) -> list[DimensionResult]:
    """The dimensions of an assessment with the trend against the one before and the gaps."""
    rows = []
    for dimension in DIMENSIONS:
        level = latest.level_of(dimension.key)
        missing: list[str] = []
        if level < READINESS_MAX_LEVEL:
            if dimension.derived:
                met = latest.governance_basics.get("met", {})
                missing = [str(b.label) for b in GOVERNANCE_BASICS if not met.get(b.key)]
            else:
                missing = [
                    str(q.next_step)
                    for q in READINESS_QUESTIONS
                    if q.dimension == dimension.key and latest.answers.get(q.key) == level
                ]
        rows.append(
            DimensionResult(
                key=dimension.key,
                label=str(dimension.label),
                level=level,
                previous=previous.level_of(dimension.key) if previous else None,
                derived=dimension.derived,
                missing=missing,
            )
        )
    return rows


def _latest_per_organisation() -> QuerySet[ReadinessAssessment]:
    newer = ReadinessAssessment.objects.filter(
        organisation=OuterRef("organisation"), assessed_at__gt=OuterRef("assessed_at")
    )
    return ReadinessAssessment.objects.filter(~Exists(newer))


@dataclass(frozen=True)
class Distribution:
    """How the other organisations' latest levels spread over the scale, per dimension."""

    organisations: int
    # Per dimension key: the count of organisations at each level 0..max.
    counts: dict[str, list[int]]

    def rows(self, own: ReadinessAssessment) -> list[dict[str, Any]]:
        rows = []
        for dimension in DIMENSIONS:
            counts = self.counts[dimension.key]
            level = own.level_of(dimension.key)
            rows.append(
                {
                    "label": str(dimension.label),
                    "own": level,
                    "cells": [
                        {
                            "level": index,
                            "count": count,
                            "percent": round(100 * count / self.organisations),
                            "own": index == level,
                        }
                        for index, count in enumerate(counts)
                    ],
                    "below": sum(counts[:level]),
                    "above": sum(counts[level + 1 :]),
                }
            )
        return rows


def distribution(excluding: Organisation) -> Distribution | None:
    """The other organisations' latest levels as counts, in one aggregate query; None when too
    few contribute to keep any one of them unrecognisable."""
    aggregates: dict[str, Any] = {"organisations": Count("organisation", distinct=True)}
    for dimension in DIMENSIONS:
        for level in range(READINESS_MAX_LEVEL + 1):
            aggregates[f"{dimension.key}__{level}"] = Count(
                "pk", filter=Q(**{f"level_{dimension.key}": level})
            )
    row = _latest_per_organisation().exclude(organisation=excluding).aggregate(**aggregates)
    if row["organisations"] < DISTRIBUTION_MIN_ORGANISATIONS:
        return None
    return Distribution(
        organisations=row["organisations"],
        counts={
            d.key: [row[f"{d.key}__{level}"] for level in range(READINESS_MAX_LEVEL + 1)]
            for d in DIMENSIONS
        },
    )


# -- services --------------------------------------------------------------------------------


@dataclass
class ServiceRow:
    """One administrative service of the organisation, its use cases and its latest maturity."""

    leika_key: str
    name: str
    use_cases: list[dict[str, Any]] = field(default_factory=list)
    assessment: ServiceAssessment | None = None

    def support_of(self, use_case_id: int) -> list[str]:
        if self.assessment is None:
            return []
        return list(self.assessment.use_case_support.get(str(use_case_id), []))


def services_of(user: User, organisation: Organisation) -> list[ServiceRow]:
    """The services the organisation's use cases support, with the latest assessment of each,
    in two queries."""
    visible = use_cases_visible_to(user).filter(organisation=organisation)
    links = (
        PublicService.objects.filter(use_case__in=visible)
        .order_by("leika_key", "use_case__title", "use_case_id")
        .values("leika_key", "name", "use_case_id", "use_case__title", "use_case__status")
    )
    rows: dict[str, ServiceRow] = {}
    for link in links:
        row = rows.setdefault(link["leika_key"], ServiceRow(link["leika_key"], link["name"]))
        row.name = row.name or link["name"]
        row.use_cases.append(
            {
                "id": link["use_case_id"],
                "title": link["use_case__title"],
                "status": link["use_case__status"],
            }
        )
    newer = ServiceAssessment.objects.filter(
        organisation=organisation,
        leika_key=OuterRef("leika_key"),
        assessed_at__gt=OuterRef("assessed_at"),
    )
    latest = ServiceAssessment.objects.filter(organisation=organisation).filter(~Exists(newer))
    for assessment in latest:
        row = rows.setdefault(
            assessment.leika_key, ServiceRow(assessment.leika_key, assessment.service_name)
        )
        row.assessment = assessment
        row.name = row.name or assessment.service_name
    for row in rows.values():
        for use_case in row.use_cases:
            use_case["helps"] = [
                str(CRITERIA_BY_KEY[key].label)
                for key in row.support_of(use_case["id"])
                if key in CRITERIA_BY_KEY
            ]
    return [rows[key] for key in sorted(rows)]


def service_of(user: User, organisation: Organisation, leika_key: str) -> ServiceRow | None:
    """One service of the organisation as on the list, or None when no use case supports it."""
    for row in services_of(user, organisation):
        if row.leika_key == leika_key and row.use_cases:
            return row
    return None


# -- roadmap ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObligationMilestone:
    """One obligation of the AI Act on the organisation's roadmap: when, how many, and its state."""

    obligation: str
    label: str
    applies_from: datetime.date | None
    source: str
    open: int
    done: int
    state: TimingState
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.state == "in_force" and self.open > 0

    @property
    def kind(self) -> str:
        if self.overdue:
            return "overdue"
        if self.state == "in_force":
            return "in_force"
        return "coming"


def obligation_milestones(
    organisation: Organisation, on: datetime.date
) -> list[ObligationMilestone]:
    """The dated obligations of the organisation's use cases, counted per obligation and date in
    the database, plus Art. 4 for the organisation as a whole: two queries."""
    labels = dict(ObligationItem.Obligation.choices)
    grouped = (
        ObligationItem.objects.filter(
            use_case__organisation=organisation, applies=True, applies_from__isnull=False
        )
        .exclude(status=ObligationItem.Status.NOT_APPLICABLE)
        .values("obligation", "applies_from", "applies_from_source")
        .annotate(
            open=Count("pk", filter=Q(status=ObligationItem.Status.OPEN)),
            done=Count("pk", filter=Q(status=ObligationItem.Status.DONE)),
        )
        .order_by("applies_from", "obligation")
    )
    milestones = []
    for row in grouped:
        state, days_left = state_on(row["applies_from"], on)
        milestones.append(
            ObligationMilestone(
                obligation=row["obligation"],
                label=str(labels.get(row["obligation"], row["obligation"])),
                applies_from=row["applies_from"],
                source=row["applies_from_source"],
                open=row["open"],
                done=row["done"],
                state=state,
                days_left=days_left,
            )
        )
    art_4 = APPLICATION_DATES["chapter_i_ii"].applies_from
    literacy = AiLiteracyMeasure.objects.filter(organisation=organisation).exists()
    state, days_left = state_on(art_4, on)
    milestones.append(
        ObligationMilestone(
            obligation=ObligationItem.Obligation.ART_4_AI_LITERACY,
            label=str(labels[ObligationItem.Obligation.ART_4_AI_LITERACY]),
            applies_from=art_4,
            source=citation("chapter_i_ii"),
            open=0 if literacy else 1,
            done=1 if literacy else 0,
            state=state,
            days_left=days_left,
        )
    )
    milestones.sort(key=lambda m: (m.applies_from or datetime.date.max, m.label))
    return milestones


def measures_of(organisation: Organisation) -> QuerySet[MaturityMeasure]:
    """The organisation's maturity measures by due date."""
    return MaturityMeasure.objects.filter(organisation=organisation).order_by("due_date", "pk")


def nominations_of(organisation: Organisation) -> QuerySet[AnswererNomination]:
    """The organisation's nominations with the named person."""
    return AnswererNomination.objects.filter(organisation=organisation).select_related("user")


def nominable_people(organisation: Organisation) -> QuerySet[User]:
    """People who hold a role in the organisation and so may be named to answer."""
    return (
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(organisation=organisation).values("user_id"),
        )
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


def maturity_organisations_of(user: User) -> QuerySet[Organisation]:
    """Organisations whose maturity pages the user may open: boards, audits, named answerers."""
    if not user.is_active:
        return Organisation.objects.none()
    named = AnswererNomination.objects.filter(user=user, is_active=True).values("organisation_id")
    return (roles.boards_and_audits_of(user) | Organisation.objects.filter(pk__in=named)).distinct()
