"""One truth for assessments and their obligations.

A use case records its assessments in step 8 (DPIA, FRIA) and step 9 (staff council) as a
status, a date and a reference; the obligation items of the same duties are derived from
exactly those fields and the documents attached to the item, never kept apart. Whichever way
the evidence is recorded — the guided form, the admin's obligation form, the API — it goes
through `governance.services`, which writes the use case's fields and re-derives the items in
the same transaction, so the summary, the dashboard, the decision page and the API read one
state.

Where the law puts the duty on the deployer as a whole, not on the department, the board
confirms the evidence before the obligation counts as done (`board_confirms`, with its source).
"""

import datetime
import itertools
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from evidence.selectors import targets_with_documents
from governance.models import ObligationItem
from registry import history
from registry.history import compared_fields, field_changes
from registry.models import UseCase

Obligation = ObligationItem.Obligation
Status = ObligationItem.Status


@dataclass(frozen=True)
class Assessment:
    """Which use case fields hold the evidence of one obligation, and who completes it."""

    obligation: str
    status_field: str
    done: str
    open: str
    date_field: str
    reference_field: str
    # The use case's "not needed" value and where its reason is written, if the form has one.
    not_needed: str | None
    not_needed_reason_field: str | None
    # The document category (evidence.models.Document.Category) a document of it carries.
    category: str
    board_confirms: bool
    source: Promise


ASSESSMENTS: dict[str, Assessment] = {
    a.obligation: a
    for a in (
        Assessment(
            obligation=Obligation.DPIA,
            status_field="dpia_status",
            done=UseCase.AssessmentStatus.DONE,
            open=UseCase.AssessmentStatus.OPEN,
            date_field="dpia_date",
            reference_field="dpia_reference",
            not_needed=UseCase.AssessmentStatus.NOT_NEEDED,
            not_needed_reason_field="dpia_not_needed_reason",
            category="dpia",
            # The controller carries it out, seeking the DPO's advice (Art. 35 Abs. 1, 2 DSGVO);
            # the DPO's sign-off in the review round is that advice.
            board_confirms=False,
            source=_("Art. 35 Abs. 1 und 2 DSGVO"),
        ),
        Assessment(
            obligation=Obligation.ART_27_FRIA,
            status_field="fria_status",
            done=UseCase.AssessmentStatus.DONE,
            open=UseCase.AssessmentStatus.OPEN,
            date_field="fria_date",
            reference_field="fria_reference",
            not_needed=UseCase.AssessmentStatus.NOT_NEEDED,
            not_needed_reason_field=None,
            category="fria",
            # The deployer performs it before first use and notifies the market surveillance
            # authority of its results (Art. 27 Abs. 1 und 3 KI-VO): the organisation, through
            # its board, answers for it.
            board_confirms=True,
            source=_("Art. 27 Abs. 1 und 3 KI-VO"),
        ),
        Assessment(
            obligation=Obligation.STAFF_COUNCIL,
            status_field="staff_council_status",
            done=UseCase.StaffCouncilStatus.AGREED,
            open=UseCase.StaffCouncilStatus.PENDING,
            date_field="staff_council_date",
            reference_field="service_agreement",
            not_needed=None,
            not_needed_reason_field=None,
            category="service_agreement",
            # The staff council's agreement is its own act (§ 70, § 80 Abs. 1 Nr. 21 BPersVG).
            board_confirms=False,
            source=_("§ 80 Abs. 1 Nr. 21 BPersVG"),
        ),
    )
}
# The use case fields that record evidence: a change to them is the record catching up with
# an assessment, not a change of the system the board approved.
# The information security concept is such evidence too, though no obligation item follows it.
EVIDENCE_FIELDS = frozenset(
    name
    for a in ASSESSMENTS.values()
    for name in (a.status_field, a.date_field, a.reference_field, a.not_needed_reason_field)
    if name is not None
) | {"security_concept_status", "security_concept_date", "security_concept_reference"}


@dataclass(frozen=True)
class Derived:
    """The state of an obligation item as its assessment's fields and documents give it."""

    status: str
    reason: str
    evidence_date: datetime.date | None
    # The evidence is complete but the board has not confirmed it yet.
    awaiting_confirmation: bool = False


def derive(
    assessment: Assessment,
    use_case: UseCase,
    *,
    has_document: bool,
    confirmed: bool,
    item_reason: str = "",
) -> Derived:
    """The item's status from the use case's fields: done only with a date and evidence."""
    value = getattr(use_case, assessment.status_field)
    date = getattr(use_case, assessment.date_field)
    reference = getattr(use_case, assessment.reference_field)
    if value == assessment.done:
        if date is None or not (reference or has_document):
            return Derived(Status.OPEN, "", None)
        if assessment.board_confirms and not confirmed:
            return Derived(Status.OPEN, "", date, awaiting_confirmation=True)
        return Derived(Status.DONE, "", date)
    if assessment.not_needed is not None and value == assessment.not_needed:
        reason = (
            getattr(use_case, assessment.not_needed_reason_field)
            if assessment.not_needed_reason_field
            else item_reason
        )
        if reason:
            return Derived(Status.NOT_APPLICABLE, reason, None)
    return Derived(Status.OPEN, "", None)


def is_stale(evidence_date: datetime.date | None, last_change: datetime.date | None) -> bool:
    """Evidence dated before the use case's last substantive change no longer covers it."""
    return evidence_date is not None and last_change is not None and evidence_date < last_change


# Fields whose change says nothing about the system the evidence assessed: the workflow's own
# bookkeeping and the publication switch (editorial fields and evidence are added by the caller).
_BOOKKEEPING = frozenset(
    {"workflow_state", "next_review_date", "review_interval_months", "is_published"}
)
# How far back the history is read for the last substantive change.
_HISTORY_WINDOW = 200


def last_substantive_change(
    use_case: UseCase, *, editorial: frozenset[str]
) -> datetime.date | None:
    """The day of the newest change to the use case's own fields that an assessment covers.

    Editorial fields, evidence fields and the workflow's bookkeeping do not count; the record's
    creation is no change.
    """
    fields = compared_fields(UseCase, hidden=editorial | EVIDENCE_FIELDS | _BOOKKEEPING)
    records = list(use_case.history.order_by("-history_date", "-history_id")[:_HISTORY_WINDOW])
    for newer, older in itertools.pairwise(records):
        if field_changes(older, newer, fields=fields):
            return timezone.localdate(newer.history_date)
    return None


@dataclass(frozen=True)
class StaleEvidence:
    """An assessment recorded as done whose date lies before the last substantive change."""

    assessment: Assessment
    label: str
    evidence_date: datetime.date
    changed_on: datetime.date


def stale_evidence(use_case: UseCase, *, editorial: frozenset[str]) -> list[StaleEvidence]:
    """The done assessments of the use case that are older than its last substantive change."""
    done = [
        a
        for a in ASSESSMENTS.values()
        if getattr(use_case, a.status_field) == a.done and getattr(use_case, a.date_field)
    ]
    if not done:
        return []
    changed_on = last_substantive_change(use_case, editorial=editorial)
    if changed_on is None:
        return []
    return [
        StaleEvidence(
            a, str(Obligation(a.obligation).label), getattr(use_case, a.date_field), changed_on
        )
        for a in done
        if is_stale(getattr(use_case, a.date_field), changed_on)
    ]


def sync_assessments(use_case: UseCase, *, actor: User | None, reason: str) -> None:
    """Derive the assessment obligations from the use case's fields (governance.assessments).

    New evidence (another date) withdraws an earlier confirmation by the board.
    """
    items = list(
        ObligationItem.objects.select_for_update().filter(
            use_case=use_case, obligation__in=list(ASSESSMENTS)
        )
    )
    with_documents = targets_with_documents("obligation", [item.pk for item in items])
    for item in items:
        assessment = ASSESSMENTS[item.obligation]
        derived = derive(
            assessment,
            use_case,
            has_document=item.pk in with_documents,
            confirmed=item.confirmed_at is not None,
            item_reason=item.reason,
        )
        if item.confirmed_at is not None and item.evidence_date != derived.evidence_date:
            item.confirmed_at, item.confirmed_by = None, None
            derived = derive(
                assessment,
                use_case,
                has_document=item.pk in with_documents,
                confirmed=False,
                item_reason=item.reason,
            )
        reference = getattr(use_case, assessment.reference_field)
        # A reference that is a link is the item's evidence link too (the API shows it).
        link = (
            reference if derived.status == ObligationItem.Status.DONE and "://" in reference else ""
        )
        state = (item.status, item.reason, item.evidence_date, item.evidence_url)
        if state == (derived.status, derived.reason, derived.evidence_date, link):
            continue
        item.status, item.reason, item.evidence_date, item.evidence_url = (
            derived.status,
            derived.reason,
            derived.evidence_date,
            link,
        )
        item.updated_by, item.updated_at = actor, timezone.now()
        item.full_clean()
        history.save_tracked(item, actor=actor, reason=reason)
