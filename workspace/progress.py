"""How far each step of the guided form is: the step list's marks and the submission's gaps.

One reading of a use case serves both: a step with a gap that a reviewer would send back at
once (`submission_gaps`) is never shown as done.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Field, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance.models import UNDETERMINED, RiskClassification
from registry.models import UseCase
from registry.services import CHILD_MODELS
from workspace.steps import STEPS, Step


@dataclass(frozen=True)
class Gap:
    """Something missing before submission, and the step where it is filled in."""

    text: Promise
    step: str


@dataclass(frozen=True)
class StepProgress:
    """A step and how far it is; the state is said in words, not by colour alone."""

    step: Step
    state: str  # one of the keys of STATE_LABELS

    @property
    def label(self) -> Promise:
        return STATE_LABELS[self.state]


DONE, INCOMPLETE, ERRORS, EMPTY = "done", "incomplete", "errors", "empty"
STATE_LABELS: dict[str, Promise] = {
    DONE: _("erledigt"),
    INCOMPLETE: _("unvollständig"),
    ERRORS: _("enthält Fehler"),
    EMPTY: _("noch offen"),
}


@dataclass(frozen=True)
class Reading:
    """What the marks are computed from, read in two queries."""

    use_case: UseCase
    classification: RiskClassification | None
    children: dict[str, bool]


def read(use_case: UseCase) -> Reading:
    """The use case's classification and which kinds of child rows it has (one query each)."""
    exists = {
        f"has_{key}": Exists(model._default_manager.filter(use_case=OuterRef("pk")))
        for key, model in CHILD_MODELS.items()
    }
    flags = UseCase.objects.filter(pk=use_case.pk).annotate(**exists).values(*exists)
    row: dict[str, Any] = next(iter(flags), {})
    return Reading(
        use_case=use_case,
        classification=RiskClassification.objects.filter(use_case=use_case).first(),
        children={key: bool(row.get(f"has_{key}")) for key in CHILD_MODELS},
    )


def submission_gaps(reading: Reading) -> list[Gap]:
    """Gaps a reviewer would send back at once, with the step where they are filled in."""
    use_case, record = reading.use_case, reading.classification
    gaps = []
    if record is not None and record.risk_class == UNDETERMINED:
        gaps.append(
            Gap(
                _(
                    "Die Risikoeinstufung ist offen: Fragen sind noch nicht oder mit „weiß "
                    "nicht“ beantwortet."
                ),
                "risiko",
            )
        )
    elif not use_case.risk_class:
        gaps.append(Gap(_("Der Risikofragebogen ist noch nicht beantwortet."), "risiko"))
    if not reading.children["legal_bases"]:
        gaps.append(Gap(_("Es ist keine Rechtsgrundlage angegeben."), "rechtsgrundlage"))
    if not use_case.oversight_mode:
        gaps.append(Gap(_("Die menschliche Aufsicht ist nicht beschrieben."), "aufsicht"))
    return gaps


def _entered(reading: Reading, step: Step) -> bool:
    """Whether anything of the step differs from what a new use case holds."""
    if step.special == "risk" and reading.classification is not None:
        return True
    if any(reading.children[key] for key in step.children):
        return True
    for name in step.fields:
        field = UseCase._meta.get_field(name)
        assert isinstance(field, Field)  # a step's fields are the use case's own
        value = getattr(reading.use_case, field.attname)
        if value not in (None, "", [], {}) and value != field.get_default():
            return True
    return False


def steps_progress(
    use_case: UseCase | None, *, current: Step | None = None, current_has_errors: bool = False
) -> list[StepProgress]:
    """Each step's state; the step just posted with errors says so whatever is stored."""
    reading = read(use_case) if use_case is not None else None
    gap_steps = {gap.step for gap in submission_gaps(reading)} if reading is not None else set()
    marks = []
    for step in STEPS:
        if step == current and current_has_errors:
            state = ERRORS
        elif reading is None or not _entered(reading, step):
            state = EMPTY
        elif step.slug in gap_steps:
            state = INCOMPLETE
        else:
            state = DONE
        marks.append(StepProgress(step, state))
    return marks
