"""The documents a board published, on the use case's public page."""

from typing import Any

from django import template

from evidence import selectors

register = template.Library()


@register.inclusion_tag("evidence/published_documents.html")
def published_documents(record: Any) -> dict[str, Any]:
    """The list of published documents (e.g. the FRIA summary, Annex VIII), or nothing."""
    return {"documents": list(selectors.published_documents_of(record.use_case_id))}
