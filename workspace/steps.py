"""The steps of the guided use-case form: one per field group of registry/field_groups.py."""

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise

from registry.field_groups import FIELD_GROUPS


@dataclass(frozen=True)
class Step:
    """One page of the guided form: the fields it edits and the child rows it shows."""

    slug: str
    title: Promise
    intro: Promise
    fields: tuple[str, ...] = ()
    # Child-row kinds (registry.services.CHILD_MODELS keys) edited on this page.
    children: tuple[str, ...] = ()
    # "system" or "risk": a step with a form of its own (see SPECIAL_STEPS).
    special: str = ""


# The risk questionnaire and the AI-system choice have forms of their own.
SPECIAL_STEPS: Final[dict[str, str]] = {"system": "system", "risiko": "risk"}

STEPS: Final[tuple[Step, ...]] = tuple(
    Step(
        group.slug,
        group.title,
        group.intro,
        group.guided_fields,
        group.children,
        special=SPECIAL_STEPS.get(group.slug, ""),
    )
    for group in FIELD_GROUPS
)
STEPS_BY_SLUG: Final[dict[str, Step]] = {step.slug: step for step in STEPS}
FIRST_STEP: Final[Step] = STEPS[0]


def step_after(step: Step) -> Step | None:
    """The next step, or None after the last one (then the summary follows)."""
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def step_before(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None
