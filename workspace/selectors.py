"""Reads of the workspace's pages; each returns what a page shows, with its queries bounded."""

from dataclasses import dataclass, field
from typing import Final

from django.db.models import Count, F, Model, Q, QuerySet, Window
from django.db.models.expressions import OrderBy
from django.utils.functional import Promise

from accounts.models import Department, Membership, User
from accounts.roles import departments_headed_by, held_roles, is_operator, organisations_where
from governance import selectors as governance_selectors
from governance.models import ObligationItem, RiskClassification, SignOff
from governance.workflow import REVIEWER_ROLES, required_sign_off_roles
from registry import permissions
from registry.models import AISystem, UseCase
from workspace.obligations import Todo, owner_todo_condition, todos_for_owner


def departments_creatable_by(user: User) -> QuerySet[Department]:
    """Departments in which the user may register use cases, as the form lists them."""
    return (
        permissions.departments_creatable_by(user)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def department_choices(user: User, use_case: UseCase) -> QuerySet[Department]:
    """Departments the use case may move to: its own and those the user may register in."""
    return (
        Department.objects.filter(
            Q(pk__in=departments_creatable_by(user).values("pk")) | Q(pk=use_case.department_id)
        )
        .filter(organisation_id=use_case.organisation_id)
        .order_by("name")
    )


def ai_systems_for(user: User, use_case: UseCase) -> QuerySet[AISystem]:
    """The AI systems of the use case's organisation the user may choose from."""
    return permissions.ai_systems_visible_to(user).filter(organisation_id=use_case.organisation_id)


def use_case_for_form(use_case: UseCase) -> UseCase:
    """A fresh copy of the use case for a form to validate against, apart from the caller's."""
    return UseCase.objects.get(pk=use_case.pk)


def use_case_for_summary(use_case: UseCase) -> UseCase:
    """The use case with everything its summary shows: department, system and child rows."""
    return (
        UseCase.objects.select_related("department", "organisation", "ai_system")
        .prefetch_related("legal_bases", "data_sources", "public_services", "withheld_fields")
        .get(pk=use_case.pk)
    )


def child_rows(use_case: UseCase, key: str) -> QuerySet[Model]:
    """The use case's child rows of one kind (a registry.services.CHILD_MODELS key)."""
    rows: QuerySet[Model] = getattr(use_case, key).all()
    return rows


def classification_of(use_case: UseCase) -> RiskClassification | None:
    """The stored risk classification of the use case, if the questionnaire was answered."""
    return RiskClassification.objects.filter(use_case=use_case).first()


def sign_offs_of(use_case: UseCase, *, limit: int = 20) -> list[SignOff]:
    """The use case's latest sign-offs, with who gave them."""
    return list(SignOff.objects.filter(use_case=use_case).select_related("signed_by")[:limit])


def _held_reviewer_roles(user: User, organisation_id: int | None = None) -> dict[int, set[str]]:
    held: dict[int, set[str]] = {}
    for organisation, role in held_roles(user, *REVIEWER_ROLES):
        if organisation_id is None or organisation == organisation_id:
            held.setdefault(organisation, set()).add(role)
    return held


def _pending(user_roles: set[str], use_case: UseCase) -> list[str]:
    """The required roles this reviewer holds whose sign-off is missing (flags annotated)."""
    return [
        role
        for role in required_sign_off_roles(use_case)
        if role in user_roles and not getattr(use_case, f"signed_{role}", True)
    ]


def pending_sign_off_roles(user: User, use_case: UseCase) -> list[str]:
    """The reviewer roles in which this user still has to sign off this use case."""
    waiting = governance_selectors.awaiting_sign_off(user).filter(pk=use_case.pk).first()
    if waiting is None:
        return []
    held = _held_reviewer_roles(user, use_case.organisation_id)
    return _pending(held.get(use_case.organisation_id, set()), waiting)


# ---------------------------------------------------------------------------------------------
# My use cases


@dataclass(frozen=True)
class MyUseCase:
    """A row of "my use cases": the use case and what the row shows beyond its fields."""

    use_case: UseCase
    open_obligations: int
    can_change: bool
    awaits_my_sign_off: bool
    todos: list[Todo] = field(default_factory=list)


@dataclass(frozen=True)
class UseCasePage:
    """One page of an ordered list of use cases and the length of the whole list."""

    rows: list[MyUseCase]
    count: int


@dataclass(frozen=True)
class MyUseCases:
    """The two lists of "my use cases", one page of each, and what waits for the user."""

    own: UseCasePage
    others: UseCasePage
    awaiting_count: int
    heads_departments: bool


# The orders the list offers, by the value of its "sortierung" parameter; the id breaks ties so
# that paging is stable.
LIST_ORDERS: Final[dict[str, tuple[str | OrderBy, ...]]] = {
    "fachbereich": ("department__name", "title", "pk"),
    "titel": ("title", "pk"),
    "ueberpruefung": (F("next_review_date").asc(nulls_last=True), "title", "pk"),
    "geaendert": ("-updated_at", "-pk"),
}
DEFAULT_ORDER: Final = "fachbereich"
# The risk-class filter's value for "not yet classified" (whose stored value is empty).
UNCLASSIFIED_FILTER: Final = "offen"


@dataclass(frozen=True)
class ListFilter:
    """What the person narrowed "my use cases" to; empty values filter nothing."""

    query: str = ""
    status: str = ""
    risk_class: str = ""
    department_id: int | None = None
    needs_my_action: bool = False
    order: str = DEFAULT_ORDER


def needing_action_of(user: User) -> Q:
    """The use cases that wait for something the user does: a sign-off, or a todo of the owner.

    The todos are those the list shows in "Was ist zu tun?" (workspace.obligations), for the use
    cases the user may change; the sign-offs those of the reviewer's inbox.
    """
    awaiting = governance_selectors.awaiting_sign_off(user).values("pk")
    changeable = permissions.use_cases_visible_to(user, permissions.CHANGE).values("pk")
    return Q(pk__in=awaiting) | (Q(pk__in=changeable) & owner_todo_condition())


def _filtered(queryset: QuerySet[UseCase], user: User, wanted: ListFilter) -> QuerySet[UseCase]:
    if wanted.query:
        for word in wanted.query.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(short_description__icontains=word)
                | Q(purpose__icontains=word)
            )
    if wanted.status:
        queryset = queryset.filter(status=wanted.status)
    if wanted.risk_class == UNCLASSIFIED_FILTER:
        queryset = queryset.filter(risk_class=UseCase.RiskClass.UNCLASSIFIED)
    elif wanted.risk_class:
        queryset = queryset.filter(risk_class=wanted.risk_class)
    if wanted.department_id is not None:
        queryset = queryset.filter(department_id=wanted.department_id)
    if wanted.needs_my_action:
        queryset = queryset.filter(needing_action_of(user))
    return queryset.order_by(*LIST_ORDERS.get(wanted.order, LIST_ORDERS[DEFAULT_ORDER]))


def list_departments_of(user: User) -> QuerySet[Department]:
    """The list's department filter: the departments of the organisations the user works in.

    Read from the memberships, not from the visible use cases, so that it costs one small
    query however many use cases there are.
    """
    departments = (
        Department.objects.all()
        if is_operator(user)
        else Department.objects.filter(organisation__in=organisations_where(user))
    )
    return departments.select_related("organisation").order_by("organisation__name", "name", "pk")


def _page(queryset: QuerySet[UseCase], offset: int, limit: int) -> tuple[list[UseCase], int]:
    """The page of the ordered queryset from offset, with the total.

    The page's ids and the total come first, in one narrow query (sorting thousands of ids and
    sort keys is cheap, sorting thousands of whole rows is not); then the page's rows.
    """
    page = list(
        queryset.annotate(section_total=Window(Count("pk"))).values_list("pk", "section_total")[
            offset : offset + limit
        ]
    )
    count = page[0][1] if page else 0
    by_pk = UseCase.objects.select_related("department").in_bulk([pk for pk, _total in page])
    return [by_pk[pk] for pk, _total in page if pk in by_pk], count  # unless deleted meanwhile


def my_use_cases(
    user: User,
    *,
    own_offset: int,
    others_offset: int,
    limit: int,
    wanted: ListFilter | None = None,
) -> MyUseCases:
    """The use cases the user may see: own departments' first, the others apart, a page each.

    `wanted` narrows and orders both lists (search words in title, short description or
    purpose; status; risk class; department; what needs the user's action).

    What the rows show beyond their fields (open obligations, whether the user may change them,
    whether they wait for the user's sign-off) is read for the listed rows only, so the number
    of queries does not grow with the page or the permissions.
    """
    own_department_ids = list(departments_headed_by(user).values_list("pk", flat=True))
    visible = _filtered(permissions.use_cases_visible_to(user), user, wanted or ListFilter())
    own, own_count = _page(visible.filter(department_id__in=own_department_ids), own_offset, limit)
    others, others_count = _page(
        visible.exclude(department_id__in=own_department_ids), others_offset, limit
    )
    pks = [use_case.pk for use_case in (*own, *others)]
    open_obligations = dict(
        ObligationItem.objects.filter(
            use_case_id__in=pks, applies=True, status=ObligationItem.Status.OPEN
        )
        .order_by()
        .values_list("use_case_id")
        .annotate(n=Count("pk"))
        .values_list("use_case_id", "n")
    )
    changeable = set(
        permissions.use_cases_visible_to(user, permissions.CHANGE)
        .filter(pk__in=pks)
        .values_list("pk", flat=True)
    )
    awaiting = governance_selectors.awaiting_sign_off(user)
    awaiting_count = awaiting.count()
    awaiting_here = set(awaiting.filter(pk__in=pks).values_list("pk", flat=True)) if pks else set()

    def row(use_case: UseCase) -> MyUseCase:
        can_change = use_case.pk in changeable
        return MyUseCase(
            use_case=use_case,
            open_obligations=open_obligations.get(use_case.pk, 0),
            can_change=can_change,
            awaits_my_sign_off=use_case.pk in awaiting_here,
            todos=todos_for_owner(use_case) if can_change else [],
        )

    return MyUseCases(
        own=UseCasePage(rows=[row(use_case) for use_case in own], count=own_count),
        others=UseCasePage(rows=[row(use_case) for use_case in others], count=others_count),
        awaiting_count=awaiting_count,
        heads_departments=bool(own_department_ids),
    )


# ---------------------------------------------------------------------------------------------
# Reviewers


@dataclass(frozen=True)
class AwaitingSignOff:
    """A row of the reviewer's inbox: the use case and the roles to sign off in, with labels."""

    use_case: UseCase
    pending_roles: list[tuple[str, str | Promise]]


@dataclass(frozen=True)
class Inbox:
    """The reviewer's inbox, and whether the user holds a reviewer role at all."""

    rows: list[AwaitingSignOff]
    is_reviewer: bool

    @property
    def use_cases(self) -> list[UseCase]:
        return [row.use_case for row in self.rows]


def inbox_of(user: User) -> Inbox:
    """Use cases waiting for the user's sign-off, with the roles in which it is still missing."""
    use_cases = list(governance_selectors.awaiting_sign_off(user))
    held = _held_reviewer_roles(user)
    labels = dict(Membership.Role.choices)
    rows = [
        AwaitingSignOff(
            use_case=use_case,
            pending_roles=[
                (role, labels[role])
                for role in _pending(held.get(use_case.organisation_id, set()), use_case)
            ],
        )
        for use_case in use_cases
    ]
    return Inbox(rows=rows, is_reviewer=bool(held))
