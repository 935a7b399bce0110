"""Signed tree heads: signed when a tree grew, verifiable, kept across key rotation."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from governance import services as governance_services
from governance.models import TransparencyReport
from governance.reports.services import publish_report
from ledger import signing
from ledger.models import LogTree, SignedTreeHead, SigningKey
from ledger.tasks import sign_current_tree_heads
from ledger.verification import verify_log


def test_without_a_key_nothing_is_signed(use_case, settings):
    settings.LEDGER_SIGNING_KEY = ""
    settings.LEDGER_SIGNING_KEY_FILE = ""
    assert sign_current_tree_heads() == 0


def test_the_task_signs_each_grown_tree_once(signing_key, use_case, organisation):
    signed = sign_current_tree_heads()
    assert signed == LogTree.objects.filter(size__gt=0).count()
    # Nothing grew: nothing new to sign (the task may run twice).
    assert sign_current_tree_heads() == 0
    head = SignedTreeHead.objects.get(tree__scope="internal", tree__organisation_id=organisation.pk)
    assert head.size == head.tree.size and bytes(head.root) == bytes(head.tree.root)
    assert signing.verify_head(head)


def test_a_head_signed_over_another_root_does_not_verify(signing_key, use_case):
    sign_current_tree_heads()
    head = SignedTreeHead.objects.first()
    head.root = bytes(32)
    assert not signing.verify_head(head)


def test_rotating_the_key_keeps_the_old_key_and_its_heads_verifiable(
    signing_key, settings, board_member, use_case
):
    sign_current_tree_heads()
    settings.LEDGER_SIGNING_KEY = signing.generate_key_pem().decode("ascii")
    governance_services.change_use_case(use_case, actor=board_member, reason="x", interfaces="neu")
    sign_current_tree_heads()
    assert SigningKey.objects.count() == 2
    assert all(
        signing.verify_head(head) for head in SignedTreeHead.objects.select_related("key", "tree")
    )
    call_command("verify_history")


def test_a_key_file_is_read(tmp_path, settings, use_case):
    path = tmp_path / "key.pem"
    path.write_bytes(signing.generate_key_pem())
    settings.LEDGER_SIGNING_KEY = ""
    settings.LEDGER_SIGNING_KEY_FILE = str(path)
    assert sign_current_tree_heads() > 0


def test_a_signed_head_no_longer_matches_a_rewritten_log(signing_key, use_case, organisation):
    sign_current_tree_heads()
    tree = LogTree.objects.get(scope="internal", organisation_id=organisation.pk)
    leaf = tree.leaves.order_by("index").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_logleaf SET leaf_hash = %s WHERE id = %s", [bytes(32), leaf.pk]
        )
        cursor.execute("UPDATE ledger_logtree SET root = %s WHERE id = %s", [bytes(32), tree.pk])
    problems = [p.message for p in verify_log()]
    assert any("signierte Baumkopf" in p for p in problems), problems
    with pytest.raises(CommandError):
        call_command("verify_history")


def test_publishing_a_transparency_report_signs_the_organisations_heads(
    signing_key, board_member, use_case, organisation
):
    report = TransparencyReport.objects.create(
        organisation=organisation,
        period_start="2026-01-01",
        period_end="2026-12-31",
        status=TransparencyReport.Status.DONE,
        requested_by=board_member,
    )
    publish_report(report, actor=board_member)
    heads = SignedTreeHead.objects.filter(occasion=f"transparency-report:{report.pk}")
    assert {h.tree.scope for h in heads} == {"internal"}


def test_create_signing_key_writes_a_private_file_once(tmp_path, settings, use_case):
    path = tmp_path / "key.pem"
    call_command("create_signing_key", str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    settings.LEDGER_SIGNING_KEY = ""
    settings.LEDGER_SIGNING_KEY_FILE = str(path)
    assert sign_current_tree_heads() > 0
    with pytest.raises(CommandError, match="lässt sich nicht anlegen"):
        call_command("create_signing_key", str(path))
