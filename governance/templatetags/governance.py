import functools
from typing import Any

from django import template
from django.db.models import Model
from django.utils.translation import get_language

from accounts.models import User
from governance.selectors import board_organisations_of

register = template.Library()


@register.simple_tag
def sits_on_a_board(user: User) -> bool:
    """Whether the user may open the board's dashboard."""
    return board_organisations_of(user).exists()


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
