from typing import Any

from django import template

from accounts.models import User
from maturity.models import AnswererNomination

register = template.Library()


@register.simple_tag(takes_context=True)
def named_to_answer(context: template.Context, user: User) -> bool:
    """Whether the user was named to answer a maturity questionnaire (boards see it anyway).

    Asked once per request, and only for people who are not on a board.
    """
    request: Any = context.get("request")
    cached: bool | None = getattr(request, "_named_to_answer", None)
    if cached is not None:
        return cached
    named = AnswererNomination.objects.filter(user=user, is_active=True).exists()
    if request is not None:
        request._named_to_answer = named
    return named
