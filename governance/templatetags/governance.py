from django import template

from accounts.models import User
from governance.selectors import board_organisations_of

register = template.Library()


@register.simple_tag
def sits_on_a_board(user: User) -> bool:
    """Whether the user may open the board's dashboard."""
    return board_organisations_of(user).exists()
