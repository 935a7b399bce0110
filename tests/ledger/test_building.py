# ruff: noqa: S608  (tampering behind the application's back is raw SQL on purpose; table
# names come from the models' metadata)
"""The initial build and the full verification in groups of organisations and in worker
processes: the same trees as one serial build, and tampering still found, the first first."""

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection, connections

from governance import services as governance_services
from ledger import partition
from ledger.building import build_log
from ledger.leaves import tracked_models
from ledger.models import LogLeaf, LogNode, LogTree, SignedTreeHead
from ledger.partition import Group, plan_groups
from ledger.verification import verify, verify_log
from registry.models import UseCase
from registry.publication import publish_use_case
from tests.conftest import make_use_case

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="worker processes run on PostgreSQL only"
)


def fixed_salt(history_model: str, history_id: int) -> bytes:
    """The same salt for a row in every build, so that two builds' roots can be compared."""
    return hashlib.sha256(f"{history_model}#{history_id}".encode()).digest()[:16]


def _forget_the_log():
    SignedTreeHead.objects.all().delete()
    LogNode.objects.all().delete()
    LogLeaf.objects.all().delete()
    LogTree.objects.all().delete()


def _trees():
    """Each tree's head and its leaves in order."""
    return {
        (tree.scope, tree.organisation_id): (
            tree.size,
            bytes(tree.root),
            list(tree.leaves.order_by("index").values_list("history_model", "history_id")),
        )
        for tree in LogTree.objects.all()
    }


def _history_rows():
    return sum(t.history_model.objects.count() for t in tracked_models())


def _history(board_member, use_cases, rounds=2):
    for round_ in range(rounds):
        for use_case in use_cases:
            governance_services.change_use_case(
                use_case, actor=board_member, reason="Runde", interfaces=f"v{round_}"
            )


@pytest.fixture
def two_organisations(
    board_member, foreign_board_member, use_case, foreign_use_case, department_head, department
):
    more = [make_use_case(department_head, department, f"Fall {n}") for n in range(3)]
    _history(board_member, [use_case, *more])
    _history(foreign_board_member, [foreign_use_case])
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    return use_case, foreign_use_case


def test_groups_cover_every_organisation_once(two_organisations, organisation, monkeypatch):
    monkeypatch.setattr(partition, "ROWS_PER_GROUP", 1)
    groups = plan_groups("default")
    assert groups[0].installation
    # One organisation per group at this size, and the open ends catch any other id.
    for organisation_id in (organisation.pk, 0, -5, 10**12):
        assert sum(g.contains(organisation_id) for g in groups) == 1, organisation_id
    assert sum(g.contains(None) for g in groups) == 1


def test_a_build_in_many_groups_gives_the_trees_of_one_group(two_organisations, monkeypatch):
    _forget_the_log()
    assert build_log(salts=fixed_salt) == _history_rows()
    in_one = _trees()
    _forget_the_log()
    monkeypatch.setattr(partition, "ROWS_PER_GROUP", 1)
    assert len(plan_groups("default")) >= 3
    assert build_log(salts=fixed_salt) == _history_rows()
    assert _trees() == in_one
    assert verify_log() == []


def test_verification_in_many_groups_names_the_first_changed_row_first(
    two_organisations, monkeypatch
):
    use_case, foreign_use_case = two_organisations
    table = UseCase.history.model._meta.db_table
    earlier = UseCase.history.filter(id=foreign_use_case.pk).earliest("history_id")
    later = UseCase.history.filter(id=use_case.pk).latest("history_id")
    with connection.cursor() as cursor:
        for row in (later, earlier):
            cursor.execute(
                f"UPDATE {table} SET title = %s WHERE history_id = %s",
                ["Gefälscht", row.history_id],
            )
    monkeypatch.setattr(partition, "ROWS_PER_GROUP", 1)
    report = verify(limit=1)
    assert report.total == 2
    # Only the earliest is kept, though the other organisation's group reported first.
    [first] = report.problems
    assert f"registry.historicalusecase #{earlier.history_id} stimmt nicht" in first.message
    assert f"internal/{foreign_use_case.organisation_id} " in first.message


def test_a_group_of_one_organisation_sees_only_its_rows(two_organisations):
    use_case, foreign_use_case = two_organisations
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {UseCase.history.model._meta.db_table} WHERE history_id = %s",
            [UseCase.history.filter(id=foreign_use_case.pk).latest("history_id").history_id],
        )
    assert verify_log(organisation_id=use_case.organisation_id) == []
    problems = verify_log(organisation_id=foreign_use_case.organisation_id)
    assert len(problems) >= 1
    assert all(f"/{foreign_use_case.organisation_id}" in p.message for p in problems)


def test_a_stored_node_beyond_the_tree_is_found(two_organisations, organisation):
    tree = LogTree.objects.get(scope="internal", organisation_id=organisation.pk)
    LogNode.objects.create(tree=tree, level=1, index=tree.size, hash=bytes(32))
    assert any("Knoten" in p.message for p in verify_log())


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_worker_processes_build_the_trees_of_a_serial_build(two_organisations, monkeypatch):
    monkeypatch.setattr(partition, "ROWS_PER_GROUP", 1)
    _forget_the_log()
    assert build_log(salts=fixed_salt) == _history_rows()
    serial = _trees()
    _forget_the_log()
    assert build_log(salts=fixed_salt, workers=2) == _history_rows()
    assert _trees() == serial
    assert verify(workers=2).problems == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_worker_processes_find_the_first_tampered_row(two_organisations, monkeypatch):
    _use_case, foreign_use_case = two_organisations
    monkeypatch.setattr(partition, "ROWS_PER_GROUP", 1)
    deleted = UseCase.history.filter(id=foreign_use_case.pk).earliest("history_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {UseCase.history.model._meta.db_table} WHERE history_id = %s",
            [deleted.history_id],
        )
    problems = verify(workers=2).problems
    assert f"registry.historicalusecase #{deleted.history_id}, die es nicht mehr gibt" in (
        problems[0].message
    )


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_writers_during_a_parallel_build_keep_every_tree_whole(
    two_organisations, board_member, monkeypatch
):
    use_case, _foreign = two_organisations
    monkeypatch.setattr(partition, "ROWS_PER_GROUP", 1)
    _forget_the_log()
    stop = threading.Event()

    def write():
        try:
            n = 0
            while not stop.is_set() and n < 20:
                governance_services.change_use_case(
                    UseCase.objects.get(pk=use_case.pk),
                    actor=board_member,
                    reason="während des Aufbaus",
                    interfaces=f"w{n}",
                )
                n += 1
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        writer = pool.submit(write)
        build_log(workers=2)
        stop.set()
        writer.result()
    # Every row the writer wrote has its leaf from its own transaction; none is left out.
    assert build_log() == 0
    assert verify(workers=2).problems == []
    assert LogLeaf.objects.count() == _history_rows()


def test_an_organisation_group_holds_no_installation_rows():
    assert not Group(1, 2).contains(None)
    assert Group(installation=True).contains(None)
    assert not Group(installation=True).contains(1)
    assert Group(None, 5).contains(-3) and not Group(None, 5).contains(5)


@pytest.mark.django_db(transaction=True)  # as in a worker: no test transaction to keep open
def test_a_bulk_worker_retries_a_refused_connect_with_back_off(monkeypatch):
    """A worker's first connect can meet a server busy with the others' (the web's connect
    timeout is 3 s): it tries again, waiting longer each time, and gives up after the last try."""
    default = connections["default"]
    real = default.ensure_connection
    failures = iter([True, True])
    waits: list[float] = []

    def flaky() -> None:
        if next(failures, False):
            raise OperationalError("connection timeout expired")
        real()

    monkeypatch.setattr(default, "ensure_connection", flaky)
    monkeypatch.setattr(partition.time, "sleep", waits.append)
    partition.connect("default")
    assert waits == [1, 2]
    assert default.is_usable()

    def refused() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(default, "ensure_connection", refused)
    waits.clear()
    with pytest.raises(OperationalError):
        partition.connect("default", attempts=3)
    assert waits == [1, 2]
