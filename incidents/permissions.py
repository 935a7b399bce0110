"""Who sees and who keeps incidents and objections; the one access path for each.

The department whose use case it is and the board see their organisation's incidents and
objections, the auditors read them; the data protection officer sees the incidents that involve
personal data. Missing, foreign and malformed ids are the same 404.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import roles
from accounts.models import Membership, User
from incidents.models import Incident, Objection
from registry.models import UseCase

_BAD_PK = (ValueError, TypeError, OverflowError, ValidationError)


def _responsible(user: User, prefix: str) -> Q:
    """Rows of use cases whose organisation's board or audit, or whose department, the user is."""
    return Q(**{f"{prefix}organisation__in": roles.boards_and_audits_of(user)}) | Q(
        **{f"{prefix}department__in": roles.departments_headed_by(user)}
    )


def incidents_visible_to(user: User) -> QuerySet[Incident]:
    """Incidents of the user's department's and board's use cases; the DPO's with personal data."""
    if not roles.holds_roles(user):
        return Incident.objects.none()
    if roles.is_operator(user):
        return Incident.objects.all()
    dpo_of = roles.organisations_where(user, Membership.Role.DATA_PROTECTION_OFFICER)
    return Incident.objects.filter(
        _responsible(user, "use_case__")
        | Q(personal_data_involved=True, use_case__organisation__in=dpo_of)
    )


def access_incident(user: User, pk: int | str) -> Incident:
    """The incident if the user may see it; missing and not-visible are the same 404."""
    try:
        return incidents_visible_to(user).select_related("use_case__organisation").get(pk=pk)
    except (Incident.DoesNotExist, *_BAD_PK) as exc:
        raise Http404 from exc


def can_maintain(user: User, use_case: UseCase) -> bool:
    """The head of the use case's department or the board record and keep its incidents."""
    return roles.heads_department(user, use_case.department_id) or roles.is_board_member(
        user, use_case.organisation_id
    )


def can_publish_note(user: User, use_case: UseCase) -> bool:
    """The board decides whether an incident's plain-language note is public."""
    return roles.is_board_member(user, use_case.organisation_id)


def use_cases_for_incidents(user: User) -> QuerySet[UseCase]:
    """Use cases for which the user may record an incident or an objection."""
    if roles.is_operator(user):
        return UseCase.objects.all()
    return UseCase.objects.filter(
        Q(organisation__in=roles.boards_of(user))
        | Q(department__in=roles.departments_headed_by(user))
    )


def objections_visible_to(user: User) -> QuerySet[Objection]:
    """Objections to the use cases of the user's department or board (auditors read them)."""
    if not roles.holds_roles(user):
        return Objection.objects.none()
    if roles.is_operator(user):
        return Objection.objects.all()
    return Objection.objects.filter(_responsible(user, "use_case__"))


def access_objection(user: User, pk: int | str) -> Objection:
    """The objection if the user may see it; missing and not-visible are the same 404."""
    try:
        return objections_visible_to(user).select_related("use_case__organisation").get(pk=pk)
    except (Objection.DoesNotExist, *_BAD_PK) as exc:
        raise Http404 from exc
