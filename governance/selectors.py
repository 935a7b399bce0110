"""Reads that carry the governance rules: who must act on which use case, what is overdue."""

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Department, Organisation, User
from accounts.roles import boards_of, held_roles
from governance.models import (
    AiLiteracyMeasure,
    Decision,
    ObligationItem,
    ReclassificationChange,
    SignOff,
    Submission,
)
from governance.workflow import (
    CLOSED_STATES,
    LIVE_STATES,
    REVIEW_STATES,
    REVIEWER_ROLES,
    SIGN_OFF_RULES,
)
from registry.expressions import one_of
from registry.models import UseCase
from registry.permissions import use_cases_visible_to

# The condition under which a reviewer role must sign off, derived from the sign-off rules.
ROLE_REQUIRED_WHEN: dict[str, Q] = {rule.role: rule.required_when() for rule in SIGN_OFF_RULES}


def current_submission(use_case: UseCase) -> Submission | None:
    """The submission of the use case's latest review round."""
    return Submission.objects.filter(use_case=use_case).order_by("-submitted_at", "-pk").first()


def _with_sign_off_flags(queryset: QuerySet[UseCase]) -> QuerySet[UseCase]:
    """Annotate whether each reviewer role signed off in the use case's current round."""
    latest = Submission.objects.filter(use_case=OuterRef("pk")).order_by("-submitted_at", "-pk")
    queryset = queryset.annotate(
        current_submission_id=Subquery(latest.values("pk")[:1]),
        current_submitter_id=Subquery(latest.values("submitted_by")[:1]),
    )
    return queryset.annotate(
        **{
            f"signed_{role}": Exists(
                SignOff.objects.filter(submission_id=OuterRef("current_submission_id"), role=role)
            )
            for role in REVIEWER_ROLES
        }
    )


def awaiting_sign_off(user: User) -> QuerySet[UseCase]:
    """Use cases in review awaiting this user's sign-off in one of their roles, unless theirs."""
    memberships = held_roles(user, *REVIEWER_ROLES)
    if not memberships:
        return UseCase.objects.none()
    waiting = Q(pk__in=[])
    for organisation_id, role in memberships:
        waiting |= (
            Q(organisation_id=organisation_id)
            & ROLE_REQUIRED_WHEN[role]
            & Q(**{f"signed_{role}": False})
        )
    queryset = use_cases_visible_to(user).filter(workflow_state__in=REVIEW_STATES)
    return (
        _with_sign_off_flags(queryset)
        .filter(waiting)
        # A reviewer does not sign off their own submission (separation of duties).
        .exclude(Q(current_submitter_id=user.pk))
        .select_related("organisation", "department")
        .order_by("updated_at", "pk")
    )


# The dashboard's lists read the columns they show: a use case has some 80, and compiling and
# reading all of them for every list was most of the dashboard's time in Python.
DASHBOARD_USE_CASE_COLUMNS = ("title", "workflow_state", "next_review_date", "department__name")


def awaiting_decision(organisation: Organisation) -> QuerySet[UseCase]:
    """Use cases of the organisation whose required sign-offs are all in: the board decides next."""
    return _ready_for_decision(UseCase.objects.filter(organisation=organisation)).only(
        *DASHBOARD_USE_CASE_COLUMNS
    )


def awaiting_decision_by(user: User) -> QuerySet[UseCase]:
    """Use cases ready for a decision on the user's boards that the user did not submit."""
    ready = _ready_for_decision(UseCase.objects.filter(organisation__in=boards_of(user)))
    return ready.exclude(Q(current_submitter_id=user.pk)).select_related("organisation")


def _ready_for_decision(queryset: QuerySet[UseCase]) -> QuerySet[UseCase]:
    queryset = queryset.filter(workflow_state__in=REVIEW_STATES)
    complete = Q()
    for role, required_when in ROLE_REQUIRED_WHEN.items():
        signed = Q(**{f"signed_{role}": True})
        complete &= (~required_when | signed) if required_when else signed
    return (
        _with_sign_off_flags(queryset)
        .filter(complete)
        .select_related("department")
        .order_by("updated_at", "pk")
    )


def overdue_reviews(
    organisation: Organisation, *, today: datetime.date | None = None
) -> QuerySet[UseCase]:
    """Approved or operating use cases of the organisation whose review date has passed."""
    today = today or timezone.localdate()
    return (
        UseCase.objects.filter(
            organisation=organisation,
            workflow_state__in=LIVE_STATES,
            next_review_date__lt=today,
        )
        .select_related("department")
        .only(*DASHBOARD_USE_CASE_COLUMNS)
        .order_by("next_review_date", "pk")
    )


def reviews_due(*, today: datetime.date, within_days: int = 30) -> QuerySet[UseCase]:
    """Approved or operating use cases of every organisation due for review within the days."""
    return (
        UseCase.objects.filter(
            workflow_state__in=LIVE_STATES,
            next_review_date__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("organisation", "department")
        .order_by("next_review_date", "pk")
    )


def open_obligations(organisation: Organisation) -> QuerySet[ObligationItem]:
    """Obligations still open on the organisation's use cases that are not rejected or retired."""
    return (
        ObligationItem.objects.filter(
            use_case__organisation=organisation, applies=True, status=ObligationItem.Status.OPEN
        )
        .exclude(use_case__workflow_state__in=CLOSED_STATES)
        .select_related("use_case")
        .only(
            "use_case_id",
            "obligation",
            "applies_from",
            "applies_from_source",
            "use_case__title",
            "use_case__workflow_state",
        )
        .order_by("use_case__title", "use_case_id", "obligation")
    )


def reclassification_changes(organisation: Organisation) -> QuerySet[ReclassificationChange]:
    """Use cases of the organisation whose class or obligations a new rule set changed."""
    return (
        ReclassificationChange.objects.filter(use_case__organisation=organisation)
        .select_related("use_case")
        .defer(*_use_case_columns_but("title"))
        .order_by("-created_at", "-pk")
    )


def ai_literacy_measures_of(organisation: Organisation) -> QuerySet[AiLiteracyMeasure]:
    """The organisation's recorded AI-literacy measures (Art. 4), latest first."""
    return AiLiteracyMeasure.objects.filter(organisation=organisation).select_related("recorded_by")


def obligation_items_of(use_case: UseCase) -> QuerySet[ObligationItem]:
    """The obligations that currently apply to one use case."""
    return ObligationItem.objects.filter(use_case=use_case, applies=True).select_related(
        "updated_by"
    )


def _use_case_columns_but(*kept: str) -> list[str]:
    """The use case's columns, as `use_case__<name>` for `defer()`, except the kept ones."""
    return [
        f"use_case__{field.name}"
        for field in UseCase._meta.concrete_fields
        if not field.primary_key and field.name not in kept
    ]


def recent_decisions(organisation: Organisation, *, limit: int = 10) -> QuerySet[Decision]:
    """The board's latest decisions in the organisation."""
    use_cases = UseCase.objects.filter(organisation=organisation).order_by().values("pk")
    # The organisation's decisions by use case, then the newest ten. For a large organisation
    # the planner otherwise walks the installation's decisions newest first until ten are the
    # organisation's (1,770 rows, 11 ms for the largest at tier L).
    return (
        Decision.objects.filter(one_of("use_case_id", use_cases))
        .select_related("use_case")
        .defer(*_use_case_columns_but("title"))
        .order_by("-decided_at", "-pk")[:limit]
    )


def dashboard_counts(organisation: Organisation) -> dict[str, Any]:
    """Use cases of the organisation counted by workflow state, risk class and department."""
    use_cases = UseCase.objects.filter(organisation=organisation)
    by_state = dict(
        use_cases.order_by()
        .values_list("workflow_state")
        .annotate(n=Count("pk"))
        .values_list("workflow_state", "n")
    )
    by_risk = dict(
        use_cases.order_by()
        .values_list("risk_class")
        .annotate(n=Count("pk"))
        .values_list("risk_class", "n")
    )
    departments = (
        Department.objects.filter(organisation=organisation)
        .annotate(n=Count("use_cases"))
        .order_by("name")
    )
    return {
        "total": sum(by_state.values()),
        "by_state": [
            (value, label, by_state.get(value, 0)) for value, label in UseCase.WorkflowState.choices
        ],
        "by_risk_class": [
            (value, label, by_risk.get(value, 0)) for value, label in UseCase.RiskClass.choices
        ],
        "by_department": [(d.pk, d.name, d.n) for d in departments],
    }


def board_organisations_of(user: User) -> QuerySet[Organisation]:
    """Organisations whose board the user sits on (every one for the installation's operator)."""
    return boards_of(user)
