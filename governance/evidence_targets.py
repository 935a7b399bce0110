"""Governance's records that evidence documents attach to: obligation items and sign-offs."""

from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import User
from evidence.builtin_targets import may_change_use_case
from evidence.targets import Target, TargetKind, register
from governance import permissions
from governance.models import ObligationItem, SignOff

OBLIGATION = "obligation"
SIGN_OFF = "sign_off"


def _obligation(pk: int) -> Target | None:
    item = ObligationItem.objects.select_related("use_case").filter(pk=pk).first()
    if item is None:
        return None
    label = f"{item.use_case.title}: {item.get_obligation_display()}"
    return Target(OBLIGATION, pk, item.use_case.organisation_id, item.use_case_id, label)


def _may_keep_obligation(user: User, target: Target) -> bool:
    item = ObligationItem.objects.select_related("use_case").get(pk=target.pk)
    return permissions.can_update_obligation(user, item.use_case)


def _sign_off(pk: int) -> Target | None:
    sign_off = SignOff.objects.select_related("use_case").filter(pk=pk).first()
    if sign_off is None:
        return None
    label = f"{sign_off.use_case.title}: {sign_off.get_role_display()}"
    return Target(SIGN_OFF, pk, sign_off.use_case.organisation_id, sign_off.use_case_id, label)


def _may_attach_to_sign_off(user: User, target: Target) -> bool:
    """The reviewer who gave the verdict documents it; the board may add to any."""
    signed_by = SignOff.objects.filter(pk=target.pk).values_list("signed_by_id", flat=True).first()
    return signed_by == user.pk or roles.is_board_member(user, target.organisation_id)


def register_all() -> None:
    register(
        TargetKind(OBLIGATION, _("Pflicht"), resolve=_obligation, may_attach=_may_keep_obligation)
    )
    register(
        TargetKind(SIGN_OFF, _("Votum"), resolve=_sign_off, may_attach=_may_attach_to_sign_off)
    )


__all__ = ["OBLIGATION", "SIGN_OFF", "may_change_use_case", "register_all"]
