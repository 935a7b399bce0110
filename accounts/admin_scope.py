"""Which organisations a person acts for in the admin: the board's, read-only for auditors."""

from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from accounts.admin_versions import VersionCheckedAdminMixin
from accounts.models import Organisation, User
from accounts.roles import boards_and_audits_of, boards_of


def acting_user(request: HttpRequest) -> User:
    """The logged-in user behind an admin request (the admin lets no anonymous user in)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def board_organisations(request: HttpRequest) -> QuerySet[Organisation]:
    """Organisations whose records the user may change in the admin."""
    user = request.user
    if not user.is_staff:
        return Organisation.objects.none()
    return boards_of(user)


def readable_organisations(request: HttpRequest) -> QuerySet[Organisation]:
    """Organisations whose records the user may read in the admin (board and audit)."""
    user = request.user
    if not user.is_staff:
        return Organisation.objects.none()
    return boards_and_audits_of(user)


class OrganisationScopedAdminMixin(VersionCheckedAdminMixin):
    """Admin access derived from the user's roles per organisation, never from model permissions.

    `organisation_path` names the lookup from the model to its organisation. Objects of other
    organisations are not found (404), exactly like missing ones.
    """

    organisation_path = "organisation"

    def _organisation_id(self, obj: object) -> int:
        target: Any = obj
        for part in self.organisation_path.split("__"):
            target = getattr(target, part)
        organisation_id: int = target.pk
        return organisation_id

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        return queryset.filter(**{f"{self.organisation_path}__in": readable_organisations(request)})

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        # The history of an object follows its visibility: another organisation's is missing.
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        self.get_object(request, unquote(object_id))
        return super().history_form_view(  # type: ignore[misc]
            request, object_id, version_id, extra_context
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return readable_organisations(request).exists()

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        organisations = readable_organisations(request)
        if obj is None:
            return organisations.exists()
        return organisations.filter(pk=self._organisation_id(obj)).exists()

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return board_organisations(request).exists()

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        organisations = board_organisations(request)
        if obj is None:
            return organisations.exists()
        return organisations.filter(pk=self._organisation_id(obj)).exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_change_permission(request, obj)


class ReadOnlyScopedAdminMixin(OrganisationScopedAdminMixin):
    """Records read in the admin and written elsewhere (their pages and the API, through the
    services): those of the organisations whose board the user sits on or which the user audits
    (every one for the operator), with nothing to add, change or delete, whoever asks."""

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
