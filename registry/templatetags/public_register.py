"""Filters of the public register's pages: search hits marked, risk classes linked."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from registry.public.risk_classes import risk_class_anchor as anchor_of

register = template.Library()


@register.filter
def highlight(text: object, term: str) -> SafeString:
    """The text, escaped, with every occurrence of the search term (any case) in <mark>."""
    text = str(text or "")
    if not term:
        return escape(text)
    parts: list[str] = []
    last = 0
    for match in re.finditer(re.escape(term), text, flags=re.IGNORECASE):
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


@register.filter
def risk_class_anchor(value: str) -> str:
    """The section of /risikoklassen/ that explains the risk class."""
    return anchor_of(value)
