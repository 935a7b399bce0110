"""A new rule set re-checks every stored classification (governance.reclassification)."""

import io

import pytest
from django.core.management import call_command

from governance import services, tasks
from governance.models import ObligationItem, ReclassificationChange, RiskClassification
from governance.reclassification import reclassify_all
from governance.risk import RULE_SET_VERSION
from registry import history

# Stored under rule set 2026.1: a derogated benefits pre-check (Art. 6(3) without the opening
# condition, which 2026.1 did not ask) and a chatbot whose result stays the same.
DEROGATED = {"is_ai_system": True, "annex_iii_points": ["5a"], "art_6_3_conditions": ["d"]}
CHATBOT = {"is_ai_system": True, "interacts_with_natural_persons": True}


def store_as_2026_1(use_case, actor, facts, *, risk_class, obligations):
    """Put a classification into the state rule set 2026.1 left it in."""
    services.classify_use_case(use_case, actor=actor, facts=facts)
    record = RiskClassification.objects.get(use_case=use_case)
    record.rule_set_version = "2026.1"
    record.risk_class = risk_class
    record.obligations = obligations
    record.timeline = []
    history.save_tracked(record, actor=actor, reason="Stand 2026.1")
    use_case.refresh_from_db()
    use_case.risk_class = risk_class
    history.save_tracked(use_case, actor=actor, reason="Stand 2026.1")
    return record


@pytest.mark.django_db
def test_a_changed_class_is_rewritten_once_listed_and_kept_in_history(use_case, department_head):
    record = store_as_2026_1(
        use_case,
        department_head,
        DEROGATED,
        risk_class="minimal",
        obligations=["art_4_ai_literacy"],
    )
    rows_before = record.history.count()

    outcome = reclassify_all(reason="Digital Omnibus")

    record.refresh_from_db()
    assert (outcome.checked, outcome.rewritten, outcome.changed) == (1, 1, 1)
    assert record.rule_set_version == RULE_SET_VERSION
    assert record.risk_class == "high_risk"
    # Exactly one new history row, naming the reason; the old classification stays readable.
    assert record.history.count() == rows_before + 1
    latest, previous = record.history.all()[:2]
    assert latest.history_change_reason == "Digital Omnibus"
    assert previous.risk_class == "minimal"
    use_case.refresh_from_db()
    assert use_case.risk_class == "high_risk"
    change = ReclassificationChange.objects.get(use_case=use_case)
    assert (change.from_version, change.to_version) == ("2026.1", RULE_SET_VERSION)
    assert (change.old_risk_class, change.new_risk_class) == ("minimal", "high_risk")
    assert "art_26_deployer_obligations" in change.added_obligations
    assert ObligationItem.objects.filter(
        use_case=use_case, obligation="art_26_deployer_obligations", applies=True
    ).exists()


@pytest.mark.django_db
def test_a_second_run_changes_nothing(use_case, department_head):
    record = store_as_2026_1(
        use_case,
        department_head,
        DEROGATED,
        risk_class="minimal",
        obligations=["art_4_ai_literacy"],
    )
    reclassify_all()
    rows = record.history.count()

    outcome = reclassify_all()

    assert (outcome.rewritten, outcome.changed) == (0, 0)
    assert record.history.count() == rows
    assert ReclassificationChange.objects.count() == 1


@pytest.mark.django_db
def test_an_unchanged_class_is_rewritten_but_not_listed_for_the_board(use_case, department_head):
    store_as_2026_1(
        use_case,
        department_head,
        CHATBOT,
        risk_class="transparency",
        obligations=["art_4_ai_literacy"],
    )

    outcome = reclassify_all()

    assert (outcome.rewritten, outcome.changed) == (1, 0)
    assert not ReclassificationChange.objects.exists()


@pytest.mark.django_db
def test_small_batches_reach_every_record(
    use_case, other_department_use_case, department_head, other_department_head
):
    store_as_2026_1(
        use_case,
        department_head,
        DEROGATED,
        risk_class="minimal",
        obligations=["art_4_ai_literacy"],
    )
    store_as_2026_1(
        other_department_use_case,
        other_department_head,
        DEROGATED,
        risk_class="minimal",
        obligations=["art_4_ai_literacy"],
    )

    outcome = reclassify_all(batch_size=1)

    assert (outcome.checked, outcome.changed) == (2, 2)


@pytest.mark.django_db
def test_the_command_reports_what_it_did(use_case, department_head):
    store_as_2026_1(
        use_case,
        department_head,
        DEROGATED,
        risk_class="minimal",
        obligations=["art_4_ai_literacy"],
    )
    stdout = io.StringIO()

    call_command("reclassify_use_cases", "--actor", department_head.username, stdout=stdout)

    assert "1 Einstufungen geprüft, 1 neu gespeichert, 1 mit geänderter Klasse" in stdout.getvalue()
    record = RiskClassification.objects.get(use_case=use_case)
    assert record.history.first().history_user == department_head


@pytest.mark.django_db(transaction=True)
def test_the_celery_task_re_checks_in_the_worker(celery_worker, use_case, department_head):
    store_as_2026_1(
        use_case,
        department_head,
        DEROGATED,
        risk_class="minimal",
        obligations=["art_4_ai_literacy"],
    )

    result = tasks.reclassify_use_cases.delay().get(timeout=60)

    assert result == {"checked": 1, "rewritten": 1, "changed": 1}
    assert RiskClassification.objects.get(use_case=use_case).risk_class == "high_risk"


def _store_without_dates(use_case, actor, facts):
    """A classification whose class and obligations the new rule set keeps, stored by the
    previous one, which gave no dates (neither on the record nor on its items)."""
    services.classify_use_case(use_case, actor=actor, facts=facts)
    record = RiskClassification.objects.get(use_case=use_case)
    record.rule_set_version = "2026.1"
    record.timeline = []
    history.save_tracked(record, actor=actor, reason="Stand 2026.1")
    for item in ObligationItem.objects.filter(use_case=use_case):
        item.applies_from, item.applies_from_source = None, ""
        history.save_tracked(item, actor=actor, reason="Stand 2026.1")
    return record


HIGH_RISK = {"is_ai_system": True, "annex_iii_points": ["4"]}


@pytest.mark.django_db
def test_dates_alone_are_rewritten_in_bulk_with_one_history_row_each(
    use_case, other_department_use_case, department_head, other_department_head
):
    records = [
        _store_without_dates(use_case, department_head, HIGH_RISK),
        _store_without_dates(other_department_use_case, other_department_head, HIGH_RISK),
    ]
    record_rows = [r.history.count() for r in records]
    items = list(ObligationItem.objects.filter(use_case__in=[use_case, other_department_use_case]))
    assert items and all(item.applies_from is None for item in items)
    item_rows = {item.pk: item.history.count() for item in items}

    outcome = reclassify_all(reason="Digital Omnibus")

    assert (outcome.checked, outcome.rewritten, outcome.changed) == (2, 2, 0)
    for record, rows in zip(records, record_rows, strict=True):
        record.refresh_from_db()
        assert record.rule_set_version == RULE_SET_VERSION
        assert record.timeline
        assert record.history.count() == rows + 1
        assert record.history.first().history_change_reason == "Digital Omnibus"
    for item in ObligationItem.objects.filter(pk__in=item_rows):
        dated = {e["obligation"]: e for e in item.use_case.risk_classification.timeline}
        if item.obligation in dated:
            assert item.applies_from is not None
            assert item.history.count() == item_rows[item.pk] + 1
    assert not ReclassificationChange.objects.exists()
    call_command("verify_history")


@pytest.mark.django_db
def test_a_bulk_batch_costs_the_same_queries_for_more_records(
    organisation, department, department_head
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_use_case

    def run(count):
        for n in range(count):
            case = make_use_case(department_head, department, f"Fall {count}-{n}")
            _store_without_dates(case, department_head, HIGH_RISK)
        with CaptureQueriesContext(connection) as queries:
            outcome = reclassify_all()
        assert outcome.rewritten == count
        return len(queries)

    assert run(2) == run(6)


@pytest.mark.django_db
def test_obligations_added_by_the_new_rule_set_are_created_in_bulk_and_listed(
    use_case, department_head
):
    added = {"art_26_11_inform_affected_persons", "art_86_explanation"}
    record = _store_without_dates(use_case, department_head, HIGH_RISK)
    assert added <= set(record.obligations)
    record.obligations = [o for o in record.obligations if o not in added]
    history.save_tracked(record, actor=department_head, reason="Stand 2026.1")
    for item in ObligationItem.objects.filter(use_case=use_case, obligation__in=added):
        history.delete_tracked(item, actor=department_head, reason="Stand 2026.1")
    rows = record.history.count()

    outcome = reclassify_all(actor=department_head, reason="Digital Omnibus")

    assert (outcome.rewritten, outcome.changed) == (1, 1)
    assert record.history.count() == rows + 1
    for obligation in added:
        item = ObligationItem.objects.get(use_case=use_case, obligation=obligation)
        assert item.applies and item.status == "open" and item.applies_from is not None
        created = item.history.get()
        assert (created.history_type, created.history_change_reason) == ("+", "Digital Omnibus")
        assert created.history_user == department_head
    change = ReclassificationChange.objects.get(use_case=use_case)
    assert set(change.added_obligations) == added
    assert change.old_risk_class == change.new_risk_class == "high_risk"
    call_command("verify_history")
