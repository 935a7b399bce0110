"""Who may open which maturity page: the board of the organisation, and the people it names.

One access path per page kind; missing, malformed and not-yours are the same 404.
"""

from django.http import Http404

from accounts import roles
from accounts.models import Organisation, User
from maturity.models import AnswererNomination, MaturityMeasure

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


def access_organisation(user: User, slug: str, *, area: str) -> Organisation:
    """The organisation by slug for a page of `area` (BOARD or a nomination scope), else 404."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    if roles.is_board_member(user, organisation.pk):
        return organisation
    if area != BOARD and _is_named(user, organisation, area):
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
