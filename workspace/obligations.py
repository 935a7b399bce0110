"""What is still open on a use case, in words a department head acts on."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance.workflow import LIVE_STATES
from registry.models import UseCase


@dataclass(frozen=True)
class Todo:
    """One thing to do, the step of the form where it is done ("" for none)."""

    text: Promise
    step: str = ""


def todos_for_owner(use_case: UseCase) -> list[Todo]:
    """What the owning department should do next, derived from the record's own fields."""
    todos: list[Todo] = []
    state = use_case.workflow_state
    if state == UseCase.WorkflowState.DRAFT:
        todos.append(Todo(_("Entwurf vervollständigen und zur Prüfung einreichen")))
    elif state == UseCase.WorkflowState.CHANGES_REQUESTED:
        todos.append(Todo(_("Änderungen einarbeiten und erneut einreichen")))
    if not use_case.risk_class:
        todos.append(Todo(_("Risikofragebogen beantworten"), "risiko"))
    if (
        use_case.next_review_date
        and use_case.next_review_date < timezone.localdate()
        and state in LIVE_STATES
    ):
        todos.append(Todo(_("Überprüfung ist überfällig"), "veroeffentlichung"))
    return todos


def owner_todo_condition() -> Q:
    """The use cases for which todos_for_owner names something to do, as a database filter.

    One condition per todo above, so the list's filter "needs my action" and the row's todos
    never disagree (tests/workspace/test_my_use_cases.py checks both on the same records).
    """
    return (
        Q(workflow_state__in=[UseCase.WorkflowState.DRAFT, UseCase.WorkflowState.CHANGES_REQUESTED])
        | Q(risk_class=UseCase.RiskClass.UNCLASSIFIED)
        | Q(next_review_date__lt=timezone.localdate(), workflow_state__in=LIVE_STATES)
    )
