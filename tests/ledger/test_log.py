# ruff: noqa: S608  (tampering behind the application's back is raw SQL on purpose; table
# names come from the models' metadata)
"""Every history row enters its tree in its own transaction, and tampering with history behind
the application's back is found and named by `verify_history`."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from accounts import services as account_services
from governance import services as governance_services
from ledger import merkle
from ledger.building import build_log
from ledger.leaves import INSTALLATION_MODELS, by_history_model, tracked_models
from ledger.models import LogLeaf, LogNode, LogTree
from ledger.verification import verify_log
from registry import services
from registry.models import UseCase
from registry.publication import publish_use_case


def _history_table(model):
    return model.history.model._meta.db_table


def _verify_fails_naming(text):
    with pytest.raises(CommandError) as failure:
        call_command("verify_history")
    assert text in str(failure.value), str(failure.value)


def test_every_tracked_model_has_a_tree():
    # A new tracked model lands in its organisation's tree when it has a field `organisation`
    # or a foreign key to a model with one. One without must be declared installation-wide in
    # ledger.leaves.INSTALLATION_MODELS, or its rows would silently belong to no organisation.
    homeless = {t.label for t in tracked_models() if not t.organisation_path} - INSTALLATION_MODELS
    assert not homeless, (
        f"{sorted(homeless)}: no way to an organisation; give the model a field `organisation` "
        "(or a foreign key to a model with one), or add it to ledger.leaves.INSTALLATION_MODELS"
    )


def test_every_history_row_of_every_model_gets_its_leaf(board_member, use_case, department_head):
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="x",
        key="legal_bases",
        rows=[{"law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e"}],
    )
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    for tracked in tracked_models():
        rows = set(tracked.history_model.objects.values_list("history_id", flat=True))
        leaves = set(
            LogLeaf.objects.filter(history_model=tracked.history_label).values_list(
                "history_id", flat=True
            )
        )
        assert rows == leaves, tracked.label
    call_command("verify_history")


def test_public_records_go_to_the_public_tree_and_the_rest_to_the_internal_one(
    board_member, use_case, organisation
):
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    public = LogTree.objects.get(scope="public", organisation_id=organisation.pk)
    assert set(public.leaves.values_list("history_model", flat=True)) == {
        "registry.historicalpublishedusecase"
    }
    internal = LogTree.objects.get(scope="internal", organisation_id=organisation.pk)
    assert "registry.historicalusecase" in set(
        internal.leaves.values_list("history_model", flat=True)
    )


def test_rows_without_organisation_go_to_the_installation_tree(organisation):
    account_services.create_claim_mapping_rule(
        actor=None,
        reason="Betrieb",
        name="Gremium aller",
        claim_path="groups",
        match_type="regex",
        pattern="^(?P<ags>\\d{8})-gremium$",
        organisation=None,
        role="board",
    )
    assert LogTree.objects.get(scope="installation").size == 1


def test_the_stored_head_is_the_root_of_the_leaves_and_nodes_complete_subtrees(
    board_member, use_case, organisation
):
    for n in range(5):
        governance_services.change_use_case(
            use_case, actor=board_member, reason="x", interfaces=f"v{n}"
        )
    tree = LogTree.objects.get(scope="internal", organisation_id=organisation.pk)
    hashes = [bytes(h) for h in tree.leaves.order_by("index").values_list("leaf_hash", flat=True)]
    assert list(tree.leaves.order_by("index").values_list("index", flat=True)) == list(
        range(tree.size)
    )
    assert bytes(tree.root) == merkle.root_of(hashes)
    assert tree.nodes.count() == tree.size - bin(tree.size).count("1")


def test_a_rolled_back_change_leaves_no_leaf(board_member, use_case):
    before = LogLeaf.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        governance_services.change_use_case(
            use_case, actor=board_member, reason="x", interfaces="y"
        )
        raise RuntimeError
    assert LogLeaf.objects.count() == before


def test_a_history_row_changed_by_raw_sql_is_named(board_member, use_case):
    row = UseCase.history.filter(id=use_case.pk).latest("history_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_history_table(UseCase)} SET title = %s WHERE history_id = %s",
            ["Gefälscht", row.history_id],
        )
    _verify_fails_naming(f"registry.historicalusecase #{row.history_id} stimmt nicht")


def test_a_change_of_actor_or_reason_alone_is_found(board_member, use_case):
    row = UseCase.history.filter(id=use_case.pk).latest("history_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_history_table(UseCase)} SET history_change_reason = %s "
            "WHERE history_id = %s",
            ["anderer Grund", row.history_id],
        )
    _verify_fails_naming(f"registry.historicalusecase #{row.history_id} stimmt nicht")


def test_a_history_row_deleted_by_raw_sql_is_named(board_member, use_case):
    governance_services.change_use_case(use_case, actor=board_member, reason="x", interfaces="y")
    first = UseCase.history.filter(id=use_case.pk).earliest("history_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_history_table(UseCase)} WHERE history_id = %s", [first.history_id]
        )
    _verify_fails_naming(f"registry.historicalusecase #{first.history_id}, die es nicht mehr gibt")


def test_a_history_row_inserted_by_raw_sql_is_named(board_member, use_case):
    model = UseCase.history.model
    columns = [f.column for f in model._meta.concrete_fields if f.attname != "history_id"]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    source = UseCase.history.filter(id=use_case.pk).latest("history_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({names}) SELECT {names} "
            f"FROM {model._meta.db_table} WHERE history_id = %s",
            [source.history_id],
        )
    inserted = UseCase.history.filter(id=use_case.pk).latest("history_id")
    assert inserted.history_id != source.history_id
    _verify_fails_naming(
        f"registry.historicalusecase #{inserted.history_id} steht nicht im Protokoll"
    )


def test_an_m2m_history_row_changed_by_raw_sql_is_found(
    department_head, organisation, department, other_department
):
    membership = account_services.grant_role(
        department_head,
        organisation=organisation,
        role="auditor",
        actor=None,
        reason="x",
        departments=[department],
    )
    call_command("verify_history")
    history = membership.history.latest("history_id")
    m2m_table = history.departments.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {m2m_table} SET department_id = %s WHERE history_id = %s",
            [other_department.pk, history.history_id],
        )
    _verify_fails_naming(f"accounts.historicalmembership #{history.history_id} stimmt nicht")


def test_rewriting_the_log_too_breaks_the_stored_head(board_member, use_case, organisation):
    tree = LogTree.objects.get(scope="internal", organisation_id=organisation.pk)
    leaf = tree.leaves.order_by("index").first()
    # Someone who rewrites a history row and its leaf hash consistently still leaves the head.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LogLeaf._meta.db_table} SET leaf_hash = %s WHERE id = %s",
            [merkle.leaf_hash(b"forged"), leaf.pk],
        )
    problems = [p.message for p in verify_log()]
    assert any(f"Protokolls {tree.log_id}" in p for p in problems), problems


def test_a_forged_node_is_found(board_member, use_case, organisation):
    tree = LogTree.objects.get(scope="internal", organisation_id=organisation.pk)
    node = LogNode.objects.filter(tree=tree).first()
    LogNode.objects.filter(pk=node.pk).update(hash=merkle.leaf_hash(b"x"))
    assert any("Knoten" in p.message for p in verify_log())


def test_verify_history_for_one_organisation_ignores_the_others(
    board_member, use_case, foreign_use_case, other_organisation, organisation
):
    row = UseCase.history.filter(id=foreign_use_case.pk).latest("history_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_history_table(UseCase)} SET title = %s WHERE history_id = %s",
            ["Gefälscht", row.history_id],
        )
    call_command("verify_history", organisation=organisation.slug)
    with pytest.raises(CommandError):
        call_command("verify_history", organisation=other_organisation.slug)


def test_verify_history_refuses_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="Keine Organisation"):
        call_command("verify_history", organisation="gibt-es-nicht")


def test_the_initial_build_enters_history_written_before_the_log(
    board_member, use_case, organisation
):
    LogNode.objects.all().delete()
    LogLeaf.objects.all().delete()
    LogTree.objects.all().delete()
    with pytest.raises(CommandError):
        call_command("verify_history")
    entered = build_log()
    assert entered == sum(t.history_model.objects.count() for t in tracked_models())
    call_command("verify_history")
    # A second run finds nothing left to enter.
    assert build_log() == 0


def test_rows_saved_in_bulk_get_their_history_and_leaves(
    board_member, use_case, other_department_use_case, organisation
):
    from registry import history

    first, second = UseCase.objects.filter(pk__in=[use_case.pk, other_department_use_case.pk])
    first.title, second.title = "Erster, neu", "Zweiter, neu"
    rows_before = UseCase.history.count()

    written = history.save_tracked_many(
        [first, second], fields=["title"], actor=board_member, reason="Sammeländerung"
    )

    assert len(written) == 2
    assert UseCase.history.count() == rows_before + 2
    latest = UseCase.history.filter(id=first.pk).first()
    assert (latest.title, latest.history_type) == ("Erster, neu", "~")
    assert (latest.history_user, latest.history_change_reason) == (board_member, "Sammeländerung")
    label = by_history_model()[UseCase.history.model].history_label
    leaves = LogLeaf.objects.filter(history_model=label, history_id__in=[r.pk for r in written])
    assert leaves.count() == 2
    call_command("verify_history")


def test_a_bulk_save_refuses_mixed_models_and_new_rows(board_member, use_case, organisation):
    from registry import history

    with pytest.raises(TypeError):
        history.save_tracked_many([use_case, organisation], fields=["title"], actor=None, reason="")
    with pytest.raises(ValueError, match="existing rows"):
        history.save_tracked_many([UseCase(title="neu")], fields=["title"], actor=None, reason="")
