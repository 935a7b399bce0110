"""The write benchmark's own logic (bench/writeload.py, bench/write.py): the client fills the
real guided form as a browser would, and the history check catches a lost update.

The figures are never asserted; these check what the figures rest on.
"""

from django.test import Client

from accounts.models import User
from bench.write import _check_history
from bench.writeload import step_form
from governance import services
from registry.models import UseCase


def test_the_client_sends_the_guided_form_back_as_a_browser_would(
    use_case: UseCase, department_head: User
):
    client = Client()
    client.force_login(department_head)
    path = f"/arbeitsbereich/{use_case.pk}/schritt/verantwortung/"
    fields = step_form(client.get(path).content.decode())
    assert fields is not None
    values = dict(fields)
    assert values["version"]
    assert values["technical_contact"] == use_case.technical_contact
    # The department (a select) is on the first step: the selected option is what is sent.
    first = step_form(client.get(path.replace("verantwortung", "grunddaten")).content.decode())
    assert first is not None
    assert dict(first)["department"] == str(use_case.department_id)
    assert dict(first)["responsible_role"] == use_case.responsible_role
    sent = [(k, "wb-1-1-1" if k == "technical_contact" else v) for k, v in fields]
    response = client.post(path, dict([*sent, ("action", "save")]))
    assert response.status_code == 302
    use_case.refresh_from_db()
    assert use_case.technical_contact == "wb-1-1-1"
    # Sent again with the old version token: refused, nothing written.
    stale = dict([*[(k, "wb-1-1-2" if k == "technical_contact" else v) for k, v in fields]])
    assert client.post(path, {**stale, "action": "save"}).status_code == 409
    use_case.refresh_from_db()
    assert use_case.technical_contact == "wb-1-1-1"


def _write(use_case: UseCase, actor: User, token: str) -> None:
    services.change_use_case(use_case, actor=actor, reason="Test", technical_contact=token)


def test_the_history_check_finds_a_lost_update(use_case: UseCase, department_head: User):
    before = use_case.technical_contact
    _write(use_case, department_head, "wb-2-0-1")
    _write(use_case, department_head, "wb-2-1-1")
    record = {"mode": "api", "use_case": use_case.pk, "status": 200}
    honest = [
        {**record, "token": "wb-2-0-1", "read": before},
        {**record, "token": "wb-2-1-1", "read": "wb-2-0-1"},
    ]
    assert _check_history(honest, "wb-2")["ok"]
    # The second writer claims to have read the version before the first write: its write
    # overwrote the first one unseen.
    lost = [honest[0], {**honest[1], "read": before}]
    check = _check_history(lost, "wb-2")
    assert (check["ok"], check["lost_updates"], check["lost_update_examples"]) == (
        False,
        1,
        ["wb-2-1-1"],
    )
    # A write answered 412 that is in the history anyway.
    refused = [honest[0], {**honest[1], "status": 412}]
    assert _check_history(refused, "wb-2")["refused_but_written"] == ["wb-2-1-1"]
    # An accepted write missing from the history.
    missing = [*honest, {**record, "token": "wb-2-2-1", "read": "wb-2-1-1"}]
    assert _check_history(missing, "wb-2")["missing_from_history"] == ["wb-2-2-1"]
