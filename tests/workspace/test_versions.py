"""Two versions of a use case side by side, changed fields marked, for who may read history."""

import pytest
from django.urls import reverse

from governance import services as governance_services

pytestmark = pytest.mark.django_db


def _url(use_case):
    return reverse("workspace:history", args=[use_case.pk])


def test_changed_fields_are_marked_with_german_labels(client, department_head, use_case):
    governance_services.change_use_case(
        use_case,
        actor=department_head,
        reason="Zweck präzisiert",
        purpose="Schnellere Bescheide.",
        children={"legal_bases": [{"law": "SGB X", "provision": "§ 67"}]},
    )
    client.force_login(department_head)
    response = client.get(_url(use_case))
    comparison = response.context["comparison"]
    changed = {row.label for row in comparison["rows"] if row.changed}
    assert changed == {"Zweck"}
    children = {str(c["label"]): c for c in comparison["children"]}
    assert children["Rechtsgrundlagen"]["changed"]
    assert children["Rechtsgrundlagen"]["new"] == ["§ 67 SGB X"]
    content = response.content.decode()
    assert "Schnellere Bescheide." in content and "Zweck präzisiert" in content


def test_chosen_versions_are_compared(client, department_head, use_case):
    governance_services.change_use_case(use_case, actor=department_head, reason="eins", purpose="A")
    governance_services.change_use_case(use_case, actor=department_head, reason="zwei", purpose="B")
    records = list(use_case.history.order_by("history_date"))
    client.force_login(department_head)
    response = client.get(_url(use_case), {"a": records[0].history_id, "b": records[1].history_id})
    rows = {row.label: row for row in response.context["comparison"]["rows"]}
    assert (rows["Zweck"].old, rows["Zweck"].new) == ("Kürzere Bearbeitungszeiten.", "A")


def test_reviewer_without_history_permission_is_refused(client, dpo, use_case):
    client.force_login(dpo)
    assert client.get(_url(use_case)).status_code == 403


def test_auditor_may_compare_versions(client, auditor, use_case):
    client.force_login(auditor)
    assert client.get(_url(use_case)).status_code == 200


def test_other_organisation_gets_not_found(client, foreign_board_member, use_case):
    client.force_login(foreign_board_member)
    assert client.get(_url(use_case)).status_code == 404
