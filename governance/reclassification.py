"""Re-check every stored classification against the current rule set (RULE_SET_VERSION).

A new rule set (an amendment of the AI Act, a corrected rule) can change what stored answers
mean. `reclassify_all` walks the stored classifications in primary-key batches (constant memory,
one transaction per batch), classifies each again from its stored answers and the organisation's
current legal form, and rewrites only those whose result differs: the classification gets one
history row naming the rule sets and the reason, the use case's risk class and obligation items
follow through the same helpers as a questionnaire answer, and a use case whose class or
obligations changed is listed for its board (ReclassificationChange). Running it again finds
nothing left to do, so a task delivered twice does no harm.

Most records of a new rule set change only in what the result says about them (dates, sources,
reasons), not in their class or their obligations. Those are rewritten per batch in bulk
(`registry.history.save_tracked_many`: still one history row per changed row, with the actor and
the reason, entered into the change log): their obligation items keep their set and their
"applies", so only the items' dates change, and the assessments derived from the use case's own
fields (governance.assessments) cannot change either. A record whose class or obligations
change goes the way a questionnaire answer goes, one by one.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from governance.assessments import ASSESSMENTS
from governance.models import (
    UNDETERMINED,
    ObligationItem,
    ReclassificationChange,
    RiskClassification,
    use_case_risk_class,
)
from governance.obligation_sync import (
    applies_from,
    sync_obligations,
    timeline_by_obligation,
    wanted_obligations,
)
from governance.risk import RULE_SET_VERSION, FactsError, classify, parse_facts, to_json
from registry import history

DEFAULT_BATCH_SIZE = 500


@dataclass
class Outcome:
    """What a run did: records looked at, rewritten, listed for the board, unreadable."""

    checked: int = 0
    rewritten: int = 0
    changed: int = 0
    failed: list[int] = field(default_factory=list)


def _result(
    record: RiskClassification, cache: dict[str, dict[str, Any] | None]
) -> dict[str, Any] | None:
    """The current rule set's result for stored answers; None if they no longer parse.

    The engine is a function of the answers and the legal form alone, so equal answers are
    classified once per run (`cache`)."""
    facts = {**record.facts, "deployer_legal_form": record.use_case.organisation.legal_form}
    key = json.dumps(facts, sort_keys=True, default=str)
    if key not in cache:
        try:
            cache[key] = to_json(classify(parse_facts(facts)))
        except FactsError:
            cache[key] = None
    return cache[key]


def _differs(record: RiskClassification, result: dict[str, Any]) -> bool:
    return bool(
        record.rule_set_version != result["rule_set_version"]
        or record.risk_class != result["risk_class"]
        or record.obligations != result["obligations"]
        or record.reasons != result["reasons"]
        or record.timeline != result["timeline"]
    )


def _rewrite(
    record: RiskClassification, result: dict[str, Any], *, actor: User | None, reason: str
) -> bool:
    """Store the new result; True when the board must hear of it (class or obligations)."""
    change = _change_for_board(record, result, timezone.now())
    _set_result(record, result)
    # Neither the use case nor the person who answered changes here (a query each to check).
    record.full_clean(exclude=["use_case", "classified_by"], validate_unique=False)
    history.save_tracked(record, actor=actor, reason=reason)
    use_case = record.use_case
    if use_case.risk_class != use_case_risk_class(record.risk_class):
        use_case.risk_class = use_case_risk_class(record.risk_class)
        # The value comes from the engine's choices; uniqueness did not change with it.
        use_case.full_clean(validate_unique=False, validate_constraints=False)
        history.save_tracked(
            use_case,
            actor=actor,
            reason=_("%(reason)s: Risikoklasse %(risk_class)s")
            % {"reason": reason, "risk_class": use_case.get_risk_class_display()},
        )
    sync_obligations(use_case, actor=actor, reason=reason, classification=record)
    if change is None:
        return False
    # A task delivered twice finds the entry there (one per use case and rule set).
    ReclassificationChange.objects.bulk_create([change], ignore_conflicts=True)
    return True


def _set_result(record: RiskClassification, result: dict[str, Any]) -> None:
    record.risk_class = str(result["risk_class"])
    record.obligations = list(result["obligations"])
    record.reasons = list(result["reasons"])
    record.timeline = list(result["timeline"])
    record.rule_set_version = str(result["rule_set_version"])


def _change_for_board(
    record: RiskClassification, result: dict[str, Any], now: Any
) -> ReclassificationChange | None:
    """The board's entry for a re-check, if its class or obligations change."""
    old, new = set(record.obligations), set(result["obligations"])
    if record.risk_class == result["risk_class"] and old == new:
        return None
    return ReclassificationChange(
        use_case_id=record.use_case_id,
        from_version=record.rule_set_version,
        to_version=str(result["rule_set_version"]),
        old_risk_class=record.risk_class,
        new_risk_class=str(result["risk_class"]),
        added_obligations=sorted(new - old),
        removed_obligations=sorted(old - new),
        created_at=now,
    )


def _rewrite_in_bulk(
    pairs: list[tuple[RiskClassification, dict[str, Any]]], *, actor: User | None, reason: str
) -> tuple[int, list[tuple[RiskClassification, dict[str, Any]]]]:
    """Rewrite in bulk the records whose class stays; their items gain dates, plain to-dos are
    added or stop applying, as `sync_obligations` would do one by one. Return how many the board
    must hear of, and the records that go the per-record way: a changed or open class, or an
    assessment's item (DPIA, FRIA, staff council) created or changed in whether it applies,
    whose status is derived from the use case's fields (governance.assessments)."""
    use_case_ids = [record.use_case_id for record, _result in pairs]
    items: dict[int, dict[str, ObligationItem]] = {}
    for item in ObligationItem.objects.select_for_update().filter(use_case_id__in=use_case_ids):
        items.setdefault(item.use_case_id, {})[item.obligation] = item
    now = timezone.now()
    records, new_items, changed_items, changes, one_by_one = [], [], [], [], []
    for record, result in pairs:
        existing = items.get(record.use_case_id, {})
        new = RiskClassification(obligations=result["obligations"], timeline=result["timeline"])
        wanted = wanted_obligations(record.use_case, new)
        added = wanted - set(existing)
        flipped = {ob for ob, item in existing.items() if item.applies != (ob in wanted)}
        if (
            record.risk_class != result["risk_class"]
            or UNDETERMINED in (record.risk_class, result["risk_class"])
            or (added | flipped) & set(ASSESSMENTS)
        ):
            one_by_one.append((record, result))
            continue
        change = _change_for_board(record, result, now)
        if change is not None:
            changes.append(change)
        _set_result(record, result)
        records.append(record)
        timing = timeline_by_obligation(new)
        for obligation, item in existing.items():
            dated, source = applies_from(timing.get(obligation))
            if (item.applies, item.applies_from, item.applies_from_source) != (
                obligation in wanted,
                dated,
                source,
            ):
                item.applies = obligation in wanted
                item.applies_from, item.applies_from_source = dated, source
                changed_items.append(item)
        for obligation in sorted(added):
            dated, source = applies_from(timing.get(obligation))
            new_items.append(
                ObligationItem(
                    use_case_id=record.use_case_id,
                    obligation=obligation,
                    applies=True,
                    applies_from=dated,
                    applies_from_source=source,
                    status=ObligationItem.Status.OPEN,
                    updated_by=actor,
                    updated_at=now,
                )
            )
    history.save_tracked_many(
        records,
        fields=["risk_class", "obligations", "reasons", "timeline", "rule_set_version"],
        actor=actor,
        reason=reason,
    )
    history.save_tracked_many(
        changed_items,
        fields=["applies", "applies_from", "applies_from_source"],
        actor=actor,
        reason=reason,
    )
    history.create_tracked_many(new_items, actor=actor, reason=reason)
    # Not history-tracked: the board's list; a task delivered twice finds its entries there.
    ReclassificationChange.objects.bulk_create(changes, ignore_conflicts=True)
    return len(changes), one_by_one


def reclassify_all(
    *,
    actor: User | None = None,
    reason: str = "",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Re-check every stored classification against RULE_SET_VERSION; rewrite what differs."""
    reason = reason.strip() or _("Neue Version des Regelwerks %(version)s") % {
        "version": RULE_SET_VERSION
    }
    outcome = Outcome()
    cache: dict[str, dict[str, Any] | None] = {}
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                RiskClassification.objects.select_for_update(of=("self",))
                .filter(pk__gt=last_pk)
                .select_related("use_case", "use_case__organisation")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            pending = []
            for record in batch:
                outcome.checked += 1
                result = _result(record, cache)
                if result is None:
                    outcome.failed.append(record.use_case_id)
                    continue
                if _differs(record, result):
                    pending.append((record, result))
            outcome.rewritten += len(pending)
            changed, one_by_one = _rewrite_in_bulk(pending, actor=actor, reason=reason)
            outcome.changed += changed
            for record, result in one_by_one:
                if _rewrite(record, result, actor=actor, reason=reason):
                    outcome.changed += 1
            last_pk = batch[-1].pk
        if progress is not None:
            progress(outcome)
    return outcome
