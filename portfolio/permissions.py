"""Who sees a portfolio and whose outcomes; the one access path for each.

The board of an organisation sees its portfolio (ideas and running use cases with their scores)
and every use case's outcomes; the head of a department sees the outcomes of its use cases; the
organisation's internal audit (Rechnungsprüfung) reads both and changes neither. Everybody else
sees neither: missing, foreign and malformed ids are the same 404.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import roles
from accounts.models import Organisation, User
from portfolio.models import Measurement
from registry.models import UseCase

_BAD_PK = (ValueError, TypeError, OverflowError, ValidationError)


def portfolio_organisations_of(user: User, *, audit: bool = False) -> QuerySet[Organisation]:
    """The organisations whose portfolio the user manages: those whose board the user sits on;
    with `audit`, those the user reads it of: the audited ones too."""
    return roles.boards_and_audits_of(user) if audit else roles.boards_of(user)


def access_portfolio(
    user: User, slug: str | None, *, audit: bool = False
) -> tuple[Organisation, list[Organisation]]:
    """The organisation named by `slug` (the first one when none is named) among the user's
    boards (with `audit`: and audits), and all of them; none, or another one, is a 404."""
    organisations = list(portfolio_organisations_of(user, audit=audit).order_by("name"))
    if not organisations:
        raise Http404
    if not slug:
        return organisations[0], organisations
    for organisation in organisations:
        if organisation.slug == slug:
            return organisation, organisations
    raise Http404


def outcome_use_cases_visible_to(user: User) -> QuerySet[UseCase]:
    """Use cases whose outcomes the user sees: its boards', audits' and departments' ones."""
    if not roles.holds_roles(user):
        return UseCase.objects.none()
    if roles.is_operator(user):
        return UseCase.objects.all()
    return UseCase.objects.filter(
        Q(organisation__in=roles.boards_and_audits_of(user))
        | Q(department__in=roles.departments_headed_by(user))
    )


def access_outcomes(user: User, pk: int | str) -> UseCase:
    """The use case if the user sees its outcomes; missing and not-visible are the same 404."""
    try:
        return (
            outcome_use_cases_visible_to(user)
            .select_related("organisation", "department")
            .get(pk=pk)
        )
    except (UseCase.DoesNotExist, *_BAD_PK) as exc:
        raise Http404 from exc


def access_measurement(user: User, use_case_pk: int | str, pk: int | str) -> Measurement:
    """A measurement of a use case whose outcomes the user sees; a missing one, one of another
    use case than the address names, or one of a use case the user cannot see is the same 404."""
    use_case = access_outcomes(user, use_case_pk)
    try:
        measurement = Measurement.objects.select_related("indicator", "entered_by").get(
            pk=pk, use_case=use_case
        )
    except (Measurement.DoesNotExist, *_BAD_PK) as exc:
        raise Http404 from exc
    measurement.use_case = use_case
    return measurement


def can_maintain(user: User, use_case: UseCase) -> bool:
    """The board and the head of the use case's department rate it and record its outcomes."""
    return roles.is_board_member(user, use_case.organisation_id) or roles.heads_department(
        user, use_case.department_id
    )


def can_manage_indicators(user: User, organisation_id: int) -> bool:
    """The board defines the organisation's indicators and decides which are public."""
    return roles.is_board_member(user, organisation_id)
