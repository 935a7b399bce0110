"""The targets this app knows itself: a use case and the organisation."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import Organisation, User
from evidence.targets import Target, TargetKind, register
from registry import permissions as registry_permissions
from registry.models import UseCase

USE_CASE = "use_case"
ORGANISATION = "organisation"


def _use_case(pk: int) -> Target | None:
    row = UseCase.objects.filter(pk=pk).values("organisation_id", "title").first()
    if row is None:
        return None
    return Target(USE_CASE, pk, row["organisation_id"], pk, row["title"])


def may_change_use_case(user: User, target: Target) -> bool:
    """Who may change the use case (its department's heads, the board) attaches to it."""
    return (
        target.use_case_id is not None
        and registry_permissions.use_cases_visible_to(user, registry_permissions.CHANGE)
        .filter(pk=target.use_case_id)
        .exists()
    )


def _organisation(pk: int) -> Target | None:
    row = Organisation.objects.filter(pk=pk).values("name").first()
    if row is None:
        return None
    return Target(ORGANISATION, pk, pk, None, row["name"])


def _board_of(user: User, target: Target) -> bool:
    return roles.is_board_member(user, target.organisation_id)


def _organisations_of(user: User) -> "QuerySet[Any, Any]":
    # Organisation-wide evidence (training records) is for everyone who works in the organisation.
    return roles.organisations_where(user).values("pk")


def register_all() -> None:
    register(
        TargetKind(
            USE_CASE, _("KI-Anwendungsfall"), resolve=_use_case, may_attach=may_change_use_case
        )
    )
    register(
        TargetKind(
            ORGANISATION,
            _("Organisation"),
            resolve=_organisation,
            may_attach=_board_of,
            visible_ids=_organisations_of,
        )
    )
