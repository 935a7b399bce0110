"""The provenance of a public record (where it was adopted from, who else uses it) and the
workspace notice of changed sources."""

from typing import Any

from django import template

from interop import changes, selectors

register = template.Library()


@register.inclusion_tag("interop/provenance.html")
def provenance(record: Any) -> dict[str, Any]:
    """The note on a public page: "nachgenutzt von …" and "wird auch genutzt von N Kommunen"."""
    return {
        "adoption": selectors.public_adoption_of(record.use_case_id),
        "adopters": selectors.public_adopter_count(record.use_case_id),
        "record": record,
    }


@register.inclusion_tag("interop/source_change_notice.html")
def source_change_notice(user: Any) -> dict[str, Any]:
    """The workspace notice: adopted use cases (the user may change) whose source changed."""
    return {"adoptions": list(changes.changed_adoptions_for(user))}
