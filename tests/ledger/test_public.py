# ruff: noqa: S608  (tampering behind the application's back is raw SQL on purpose; table
# names come from the models' metadata)
"""The public side of the log: the page, the download, the proofs, and the stand-alone verifier
run on a downloaded log as a journalist would."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from governance import services as governance_services
from ledger import merkle
from ledger.models import LogTree, SignedTreeHead
from ledger.selectors import head_document
from ledger.tasks import sign_current_tree_heads
from registry import services
from registry.models import PublishedUseCase
from registry.publication import publish_use_case

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_log.py"


@pytest.fixture
def published(board_member, use_case, signing_key):
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    governance_services.change_use_case(
        use_case, actor=board_member, reason="x", title="Neuer Titel"
    )
    publish_use_case(use_case, actor=board_member, reason="Änderung freigegeben")
    sign_current_tree_heads()
    return use_case


def _download(client, organisation, tmp_path, name="log.jsonl"):
    response = client.get(reverse("ledger:public_log_download", args=[organisation.slug]))
    assert response.status_code == 200
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


def _head_file(tmp_path, organisation):
    head = SignedTreeHead.objects.select_related("key", "tree").get(
        tree__scope="public", tree__organisation_id=organisation.pk
    )
    path = tmp_path / "head.json"
    path.write_text(json.dumps(head_document(head)))
    return path, bytes(head.key.public_key).hex()


def _run_verifier(log, head, key):
    # The verifier is this repository's own file, run as a journalist would run it.
    return subprocess.run(  # noqa: S603
        [sys.executable, str(VERIFIER), str(log), "--head", str(head), "--public-key", key],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_verifier_accepts_the_downloaded_public_log(client, published, organisation, tmp_path):
    log = _download(client, organisation, tmp_path)
    head, key = _head_file(tmp_path, organisation)
    result = _run_verifier(log, head, key)
    assert result.returncode == 0, result.stderr
    assert "verified: 2 entries" in result.stdout


def test_the_verifier_rejects_a_log_served_after_a_history_row_was_changed(
    client, published, organisation, tmp_path
):
    head, key = _head_file(tmp_path, organisation)
    table = PublishedUseCase.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET title = %s "
            f"WHERE history_id = (SELECT MIN(history_id) FROM {table})",
            ["Geschönt"],
        )
    log = _download(client, organisation, tmp_path)
    result = _run_verifier(log, head, key)
    assert result.returncode == 1
    assert "NOT VERIFIED" in result.stderr


def test_the_verifier_rejects_an_edited_file_and_a_wrong_key(
    client, published, organisation, tmp_path
):
    log = _download(client, organisation, tmp_path)
    head, key = _head_file(tmp_path, organisation)
    lines = log.read_text().splitlines()
    entry = json.loads(lines[1])
    entry["revealed"]["title"]["value"] = json.dumps("Anders")
    log.write_text("\n".join([lines[0], json.dumps(entry), *lines[2:]]) + "\n")
    result = _run_verifier(log, head, key)
    assert result.returncode == 1 and "'title' does not match" in result.stderr
    result = _run_verifier(_download(client, organisation, tmp_path, "b.jsonl"), head, "00" * 32)
    assert result.returncode == 1 and "key_id" in result.stderr


def test_the_download_reveals_no_actor_reason_or_withheld_field(
    client, board_member, use_case, organisation, tmp_path, signing_key
):
    governance_services.change_use_case(
        use_case, actor=board_member, reason="x", interfaces="SAP-Modul X"
    )
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="x",
        key="withheld_fields",
        rows=[{"field": "interfaces", "reason": "Schutz der IT-Sicherheit"}],
    )
    publish_use_case(use_case, actor=board_member, reason="geheim")
    text = _download(client, organisation, tmp_path).read_text()
    # The first version still had the interfaces; withheld now means withheld in the past too.
    assert "SAP-Modul X" not in text
    assert "freigegeben" not in text and "geheim" not in text
    entries = [json.loads(line) for line in text.splitlines()[1:]]
    assert all(
        "interfaces" not in e["revealed"] and "history_user_id" not in e["revealed"]
        for e in entries
    )
    assert all("interfaces" in json.loads(e["leaf"])["fields"] for e in entries)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_inclusion_proofs_of_a_public_records_versions_verify(
    client, published, organisation, version
):
    response = client.get(f"/api/{version}/public/use-cases/{published.pk}/log-proofs/")
    assert response.status_code == 200
    body = response.json()
    root = bytes.fromhex(body["signed_head"]["root"])
    assert len(body["versions"]) == 2
    for version in body["versions"]:
        proof = [bytes.fromhex(p) for p in version["inclusion_proof"]]
        digest = merkle.leaf_hash(version["leaf"].encode("ascii"))
        assert merkle.verify_inclusion(version["index"], body["size"], digest, proof, root)


def test_consistency_proofs_between_two_heads_verify(client, board_member, published, organisation):
    tree = LogTree.objects.get(scope="public", organisation_id=organisation.pk)
    first = SignedTreeHead.objects.get(tree=tree)
    governance_services.change_use_case(published, actor=board_member, reason="x", title="Dritter")
    publish_use_case(published, actor=board_member, reason="freigegeben")
    sign_current_tree_heads()
    second = SignedTreeHead.objects.filter(tree=tree).order_by("-size").first()
    response = client.get(
        f"/api/v1/public/log/{organisation.slug}/consistency/",
        {"first": first.size, "second": second.size},
    )
    assert response.status_code == 200
    proof = [bytes.fromhex(p) for p in response.json()["proof"]]
    assert merkle.verify_consistency(
        first.size, second.size, bytes(first.root), bytes(second.root), proof
    )


def test_v1s_inclusion_proofs_are_deprecated_for_v2s_which_answer_the_same(client, published):
    v1 = client.get(f"/api/v1/public/use-cases/{published.pk}/log-proofs/", {"size": "2"})
    successor = f"http://testserver/api/v2/public/use-cases/{published.pk}/log-proofs/?size=2"
    assert v1["Link"] == f'<{successor}>; rel="successor-version"'
    assert v1["Deprecation"].startswith("@") and v1["Sunset"].endswith("GMT")
    v2 = client.get(successor)
    assert "Deprecation" not in v2 and "Link" not in v2
    assert v2.json() == v1.json()
    missing = client.get("/api/v1/public/use-cases/999999/log-proofs/")
    assert missing.status_code == 404 and "successor-version" in missing["Link"]
    assert client.get("/api/v2/public/use-cases/999999/log-proofs/").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"first": "x", "second": "2"}, "first"),
        ({"first": "1", "second": "99"}, "second"),
        ({"first": "1"}, "second"),
        ({"first": "1", "second": "2", "tree": "geheim"}, "tree"),
    ],
)
def test_bad_proof_requests_are_refused_naming_the_parameter(
    client, published, organisation, query, field
):
    response = client.get(f"/api/v1/public/log/{organisation.slug}/consistency/", query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_unknown_organisations_and_unpublished_records_are_404(
    client, published, use_case, other_organisation
):
    assert client.get("/api/v1/public/log/gibt-es-nicht/heads/").status_code == 404
    assert client.get(f"/api/v1/public/log/{other_organisation.slug}/heads/").status_code == 404
    assert client.get("/api/v1/public/use-cases/999999/log-proofs/").status_code == 404
    assert client.get("/daten/protokoll/gibt-es-nicht/oeffentlich.jsonl").status_code == 404


def test_the_page_lists_heads_and_keys(client, published, organisation):
    head = SignedTreeHead.objects.select_related("key").filter(tree__scope="public").get()
    response = client.get(reverse("ledger:change_log"))
    assert response.status_code == 200
    text = response.content.decode()
    assert bytes(head.root).hex() in text and head.key.key_id in text
    assert organisation.name in text
    assert client.get(reverse("ledger:change_log"), {"seite": "99"}).status_code == 404


def test_keys_and_heads_are_published_in_the_api(client, published, organisation):
    keys = client.get("/api/v1/public/log/keys/").json()["keys"]
    heads = client.get(f"/api/v1/public/log/{organisation.slug}/heads/").json()
    assert heads["signed_heads"][0]["key_id"] == keys[0]["key_id"]
    internal = client.get(f"/api/v1/public/log/{organisation.slug}/heads/", {"tree": "internal"})
    assert internal.json()["log"] == f"internal/{organisation.pk}"
