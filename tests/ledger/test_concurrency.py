"""Many writers at once: one tree never forks, and trees of other organisations never wait."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction

from governance import services as governance_services
from ledger import merkle
from ledger.models import LogTree
from tests.conftest import make_use_case

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway"
)


def _in_thread(work):
    def run(*args):
        try:
            return work(*args)
        finally:
            connections.close_all()

    return run


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_of_one_organisation_append_one_unforked_tree(
    board_member, department_head, department, organisation
):
    cases = [make_use_case(department_head, department, f"Fall {n}") for n in range(8)]

    @_in_thread
    def change(n):
        for round_ in range(3):
            governance_services.change_use_case(
                cases[n], actor=board_member, reason="parallel", interfaces=f"{n}-{round_}"
            )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(change, range(8)))
    tree = LogTree.objects.get(scope="internal", organisation_id=organisation.pk)
    indexes = list(tree.leaves.order_by("index").values_list("index", flat=True))
    assert indexes == list(range(tree.size))
    hashes = [bytes(h) for h in tree.leaves.order_by("index").values_list("leaf_hash", flat=True)]
    assert bytes(tree.root) == merkle.root_of(hashes)
    call_command("verify_history")


@pytest.mark.django_db(transaction=True)
def test_a_writer_holds_only_its_own_organisations_tree(
    board_member, department_head, department, foreign_department_head, foreign_department
):
    own = make_use_case(department_head, department, "Eigener Fall")
    neighbour = make_use_case(department_head, department, "Nachbarfall")
    foreign = make_use_case(foreign_department_head, foreign_department, "Fremder Fall")
    holding = threading.Event()
    release = threading.Event()

    @_in_thread
    def hold():
        with transaction.atomic():
            governance_services.change_use_case(own, actor=board_member, reason="x", interfaces="a")
            holding.set()
            release.wait(30)

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert holding.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            # Another organisation's tree: no waiting.
            governance_services.change_use_case(
                foreign, actor=foreign_department_head, reason="x", interfaces="b"
            )
        # Another use case of the same organisation: its tree waits for the first writer.
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            governance_services.change_use_case(
                neighbour, actor=department_head, reason="y", title="Z"
            )
    finally:
        release.set()
        worker.join(30)
    call_command("verify_history")
