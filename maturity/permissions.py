"""Who may open which maturity page: the board of the organisation, the people it names, and
its internal audit (Rechnungsprüfung), which reads the results, the services and the Fahrplan
but answers, plans and names nothing.

One access path per page kind; missing, malformed and not-yours are the same 404.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts import roles
from accounts.models import Organisation, User
from maturity.models import (
    AnswererNomination,
    MaturityMeasure,
    ReadinessAssessment,
    ServiceAssessment,
)

BOARD = "board"


def _is_named(user: User, organisation: Organisation, scope: str) -> bool:
    return (
        user.is_active
        and AnswererNomination.objects.filter(
            organisation=organisation, user=user, scope=scope, is_active=True
        ).exists()
    )


def may_answer(user: User, organisation: Organisation, scope: str) -> bool:
    """The board answers every questionnaire; a named person the one they were named for."""
    return roles.is_board_member(user, organisation.pk) or _is_named(user, organisation, scope)


def may_read(user: User, organisation: Organisation) -> bool:
    """The board and the organisation's auditors read every maturity record."""
    return roles.is_board_member(user, organisation.pk) or roles.is_auditor(user, organisation.pk)


def page_areas(user: User, organisation: Organisation) -> dict[str, bool]:
    """Which maturity pages the subnavigation offers the user, and which actions pages show:
    one query for the board, two more for everyone else (audit, nominations)."""
    if roles.is_board_member(user, organisation.pk):
        return dict.fromkeys(("is_board", "can_read", "can_readiness", "can_services"), True)
    named = set(
        AnswererNomination.objects.filter(
            organisation=organisation, user=user, is_active=True, user__is_active=True
        ).values_list("scope", flat=True)
    )
    return {
        "is_board": False,
        "can_read": roles.is_auditor(user, organisation.pk),
        "can_readiness": AnswererNomination.Scope.READINESS in named,
        "can_services": AnswererNomination.Scope.SERVICES in named,
    }


def access_organisation(user: User, slug: str, *, area: str, audit: bool = False) -> Organisation:
    """The organisation by slug for a page of `area` (BOARD or a nomination scope), else 404;
    with `audit`, a page the organisation's auditors read too."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    if roles.is_board_member(user, organisation.pk):
        return organisation
    if area != BOARD and _is_named(user, organisation, area):
        return organisation
    if audit and roles.is_auditor(user, organisation.pk):
        return organisation
    raise Http404


def access_measure(user: User, organisation: Organisation, pk: int) -> MaturityMeasure:
    """A measure of the organisation the board may edit, else 404."""
    measure = MaturityMeasure.objects.filter(organisation=organisation, pk=pk).first()
    if measure is None or not roles.is_board_member(user, organisation.pk):
        raise Http404
    return measure


def access_nomination(user: User, organisation: Organisation, pk: int) -> AnswererNomination:
    """A nomination of the organisation the board may revoke, else 404."""
    nomination = AnswererNomination.objects.filter(organisation=organisation, pk=pk).first()
    if nomination is None or not roles.is_board_member(user, organisation.pk):
        raise Http404
    return nomination


# -- lists of the API: the pages' visibility, as one query each ---------------------------------


def _named_organisation_ids(user: User, scope: str) -> QuerySet[AnswererNomination, int]:
    return AnswererNomination.objects.filter(
        user=user, scope=scope, is_active=True, user__is_active=True
    ).values_list("organisation_id", flat=True)


def _board_view(user: User) -> Exists:
    """Per row, whether the user reads it as the board does (sees who answered): the board and
    the organisation's auditors."""
    return Exists(roles.boards_and_audits_of(user).filter(pk=OuterRef("organisation_id")))


def readiness_assessments_visible_to(user: User) -> QuerySet[ReadinessAssessment]:
    """The board and the auditors see every readiness assessment of their organisations; a
    person named for the readiness questionnaire sees the latest one, the one the
    questionnaire page starts from.

    Each row carries `board_view`: whether the user sees it as the board does.
    """
    newer = ReadinessAssessment.objects.filter(
        Q(assessed_at__gt=OuterRef("assessed_at"))
        | Q(assessed_at=OuterRef("assessed_at"), pk__gt=OuterRef("pk")),
        organisation=OuterRef("organisation"),
    )
    named = _named_organisation_ids(user, AnswererNomination.Scope.READINESS)
    return ReadinessAssessment.objects.filter(
        Q(organisation__in=roles.boards_and_audits_of(user))
        | (Q(organisation__in=named) & ~Exists(newer))
    ).annotate(board_view=_board_view(user))


def service_assessments_visible_to(user: User) -> QuerySet[ServiceAssessment]:
    """The board and the auditors see every service assessment of their organisations; a
    person named for the services questionnaire sees the latest one per service, as the
    services page shows them."""
    newer = ServiceAssessment.objects.filter(
        Q(assessed_at__gt=OuterRef("assessed_at"))
        | Q(assessed_at=OuterRef("assessed_at"), pk__gt=OuterRef("pk")),
        organisation=OuterRef("organisation"),
        leika_key=OuterRef("leika_key"),
    )
    named = _named_organisation_ids(user, AnswererNomination.Scope.SERVICES)
    return ServiceAssessment.objects.filter(
        Q(organisation__in=roles.boards_and_audits_of(user))
        | (Q(organisation__in=named) & ~Exists(newer))
    )


def measures_visible_to(user: User) -> QuerySet[MaturityMeasure]:
    """Maturity measures are the board's, read by its auditors: those of the organisations
    whose board the user is on or which the user audits (the board alone changes them)."""
    return MaturityMeasure.objects.filter(organisation__in=roles.boards_and_audits_of(user))
