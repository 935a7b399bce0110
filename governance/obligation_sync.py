"""Keep a use case's obligation items in step with its classification and its own fields.

Shared by the questionnaire (governance.services) and the re-check under a new rule set
(governance.reclassification); every write goes through registry.history with actor and reason.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from accounts.models import User
from governance.assessments import sync_assessments
from governance.models import UNDETERMINED, ObligationItem, RiskClassification
from registry import history
from registry.models import UseCase

# Art. 4 is one duty of the organisation as a whole (its measures are recorded once, see
# AiLiteracyMeasure), not an item to tick off on every use case.
ORGANISATION_WIDE = frozenset({ObligationItem.Obligation.ART_4_AI_LITERACY})


# Items that follow from the use case's own fields, not from its classification.
USE_CASE_OWN = frozenset({ObligationItem.Obligation.DPIA, ObligationItem.Obligation.STAFF_COUNCIL})


def _initial_status(use_case: UseCase, obligation: str) -> tuple[str, str, str]:
    """Status, reason and evidence of a new obligation item; an assessment's item is derived
    from the use case's fields right after (governance.assessments.sync_assessments)."""
    return ObligationItem.Status.OPEN, "", ""


def applies_from(entry: Mapping[str, Any] | None) -> tuple[datetime.date | None, str]:
    """The stored timeline entry of an obligation as (date of application, its source)."""
    if entry is None:
        return None, ""
    raw = entry.get("applies_from")
    return (datetime.date.fromisoformat(raw) if raw else None), str(entry.get("source", ""))


def wanted_obligations(use_case: UseCase, classification: RiskClassification | None) -> set[str]:
    """The obligations the use case has an item for: its classification's, but the
    organisation-wide ones, and the assessments its own fields call for."""
    wanted = set(classification.obligations if classification else []) - ORGANISATION_WIDE
    if use_case.processes_personal_data:
        wanted.add(ObligationItem.Obligation.DPIA)
    if use_case.monitors_staff:
        wanted.add(ObligationItem.Obligation.STAFF_COUNCIL)
    return wanted


def timeline_by_obligation(
    classification: RiskClassification | None,
) -> dict[str, Mapping[str, Any]]:
    """The classification's timeline entries by obligation."""
    return {
        entry["obligation"]: entry
        for entry in (classification.timeline if classification else [])
        if isinstance(entry, dict) and "obligation" in entry
    }


def sync_obligations(
    use_case: UseCase,
    *,
    actor: User | None,
    reason: str,
    classification: RiskClassification | None = None,
) -> None:
    """Make the use case's obligation items match its classification and its data."""
    if classification is None:
        classification = RiskClassification.objects.filter(use_case=use_case).first()
    wanted = wanted_obligations(use_case, classification)
    # An open classification is no verdict: the AI Act's items stay as they were until the open
    # questions are answered (the workspace says they are open), only the use case's own follow.
    keep_ai_act_items = classification is not None and classification.risk_class == UNDETERMINED
    timing = timeline_by_obligation(classification)
    existing = {item.obligation: item for item in ObligationItem.objects.filter(use_case=use_case)}
    now = timezone.now()
    for obligation in sorted(wanted | set(existing)):
        if keep_ai_act_items and obligation not in USE_CASE_OWN:
            continue
        item = existing.get(obligation)
        applies = obligation in wanted
        if item is None:
            status, item_reason, evidence = _initial_status(use_case, obligation)
            item = ObligationItem(
                use_case=use_case,
                obligation=obligation,
                status=status,
                reason=item_reason,
                evidence_url=evidence,
                updated_by=actor,
                updated_at=now,
            )
        dated, source = applies_from(timing.get(obligation))
        if (
            item.pk is not None
            and item.applies == applies
            and item.applies_from == dated
            and item.applies_from_source == source
        ):
            continue
        item.applies = applies
        item.applies_from = dated
        item.applies_from_source = source
        # The use case is the one being synced and the two constraints (one item per obligation,
        # a reason when not applicable) are the database's own: checking them here would cost
        # three queries per item in a re-check of every use case, and a violation still fails.
        item.full_clean(exclude=["use_case", "updated_by"], validate_constraints=False)
        history.save_tracked(item, actor=actor, reason=reason)
    sync_assessments(use_case, actor=actor, reason=reason)
