import datetime
import functools
from typing import Any

from django import template
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import get_language

from accounts import roles
from accounts.models import Membership, User
from governance.models import ObligationItem
from governance.risk.dates import describe
from governance.selectors import awaiting_decision_by, board_organisations_of
from governance.workflow import REVIEWER_ROLES
from registry.permissions import departments_creatable_by

register = template.Library()


@register.simple_tag
def sits_on_a_board(user: User) -> bool:
    """Whether the user may open the board's dashboard."""
    return board_organisations_of(user).exists()


@register.simple_tag(takes_context=True)
def navigation_for(context: template.Context, user: User) -> dict[str, Any]:
    """Which of the signed-in areas the user can use, and the roles to name in the header.

    Computed once per request: the header and the workspace's menu both ask.
    """
    request = context.get("request")
    cached: dict[str, Any] | None = getattr(request, "_navigation", None)
    if cached is not None:
        return cached
    nav: dict[str, Any] = {
        "workspace": False,
        "create": False,
        "inbox": False,
        "board": False,
        "audit": False,
    }
    nav["roles"] = held = roles.roles_held(user)
    if held:
        codes = {code for code, _label, _organisation in held}
        nav["inbox"] = bool(codes & set(REVIEWER_ROLES))
        nav["create"] = departments_creatable_by(user).exists()
        nav["board"] = board_organisations_of(user).exists()
        # Internal audit reads the maturity results, the portfolio and the Fahrplan.
        nav["audit"] = Membership.Role.AUDITOR in codes
        nav["workspace"] = bool(
            nav["create"] or nav["inbox"] or nav["board"] or Membership.Role.AUDITOR in codes
        )
    if request is not None:
        request._navigation = nav
    return nav


@register.simple_tag
def awaiting_my_decision(user: User, limit: int = 10) -> list[Any]:
    """The first use cases waiting for the user's decision as a board member, oldest first."""
    return list(awaiting_decision_by(user)[:limit])


@functools.cache
def _choice_labels(model: type[Model], field_name: str, language: str | None) -> dict[Any, str]:
    field = model._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]


@register.filter
def display(instance: Model, field_name: str) -> str:
    """The label of a choice field in the active language, like get_FOO_display().

    get_FOO_display() builds its lookup table on every call and hashes lazy labels, which
    translates each of them; a table of fifty rows paid for that a hundred and fifty times.
    """
    value = getattr(instance, field_name)
    return _choice_labels(type(instance), field_name, get_language()).get(value, str(value))


@register.simple_tag
def obligation_timing(item: ObligationItem, on: datetime.date | None = None) -> str:
    """When an obligation item applies and its state on `on` (today by default), in words."""
    if not item.applies_from_source:
        return ""
    return describe(item.applies_from, item.applies_from_source, on or timezone.localdate())


@register.filter
def obligation_label(code: str) -> str:
    """The German label of an obligation code, the code itself when unknown."""
    return str(dict(ObligationItem.Obligation.choices).get(code, code))
