"""Accounts' writes go through services that record actor and reason in the history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import (
    ApiClient,
    ClaimMappingRule,
    Department,
    Membership,
    Organisation,
    User,
)
from tests.conftest import make_person

BOARD = Membership.Role.BOARD
HEAD = Membership.Role.DEPARTMENT_HEAD


def test_a_grant_records_actor_reason_and_departments(board_member, organisation, department):
    person = make_person("new_head")
    services.grant_role(
        person,
        organisation=organisation,
        role=HEAD,
        departments=[department],
        actor=board_member,
        reason="Beschluss vom 3. März",
    )
    rows = list(Membership.history.filter(user=person).order_by("history_id"))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert {(row.history_user, row.history_change_reason) for row in rows} == {
        (board_member, "Beschluss vom 3. März")
    }
    # The M2M history is kept per row, through the departments' own history table.
    assert [d.department for d in rows[-1].departments.all()] == [department]


def test_granting_what_is_held_already_leaves_no_history_row(board_member, organisation):
    before = Membership.history.filter(user=board_member).count()
    services.grant_role(
        board_member, organisation=organisation, role=BOARD, actor=board_member, reason="noch mal"
    )
    assert Membership.history.filter(user=board_member).count() == before


def test_a_revocation_records_actor_and_reason(board_member, dpo, organisation):
    services.revoke_role(
        dpo,
        organisation=organisation,
        role=Membership.Role.DATA_PROTECTION_OFFICER,
        actor=board_member,
        reason="Wechsel in ein anderes Amt",
    )
    row = Membership.history.filter(user=dpo).latest("history_id")
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "-",
        board_member,
        "Wechsel in ein anderes Amt",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_role_changes_need_a_reason(board_member, organisation, reason):
    with pytest.raises(ValidationError):
        services.grant_role(
            make_person("x"),
            organisation=organisation,
            role=BOARD,
            actor=board_member,
            reason=reason,
        )


def test_organisation_and_department_changes_are_tracked(board_member, organisation, department):
    services.update_organisation(
        organisation, actor=board_member, reason="neue Adresse", contact_email="neu@lf.example"
    )
    services.update_department(department, actor=board_member, reason="umbenannt", name="Soziales")
    org_row = Organisation.history.filter(id=organisation.pk).latest("history_id")
    assert (org_row.contact_email, org_row.history_user, org_row.history_change_reason) == (
        "neu@lf.example",
        board_member,
        "neue Adresse",
    )
    dept_row = department.history.latest("history_id")
    assert (dept_row.name, dept_row.history_change_reason) == ("Soziales", "umbenannt")


def test_unknown_organisation_fields_are_refused(board_member, organisation):
    with pytest.raises(ValidationError):
        services.update_organisation(organisation, actor=board_member, reason="x", board_group=None)


def test_claim_mapping_rules_are_tracked_from_creation_to_deletion(board_member, organisation):
    rule = services.create_claim_mapping_rule(
        actor=board_member,
        reason="neue Gruppe",
        name="Gremium",
        claim_path="groups",
        match_type=ClaimMappingRule.MatchType.EXACT,
        pattern="gremium",
        organisation=organisation,
        role=BOARD,
    )
    rule_id = rule.pk
    services.update_claim_mapping_rule(rule, actor=board_member, reason="aus", is_active=False)
    services.delete_claim_mapping_rule(rule, actor=board_member, reason="weg")
    rows = ClaimMappingRule.history.filter(id=rule_id).order_by("history_id")
    assert [(r.history_type, r.history_change_reason) for r in rows] == [
        ("+", "neue Gruppe"),
        ("~", "aus"),
        ("-", "weg"),
    ]


def test_a_claim_mapping_rule_is_validated_by_the_service(board_member):
    with pytest.raises(ValidationError):
        services.create_claim_mapping_rule(
            actor=board_member, reason="x", name="kaputt", pattern="x", role=BOARD
        )


def test_api_clients_and_their_service_users_roles_are_tracked(
    board_member, organisation, department
):
    api_client = services.create_api_client(
        actor=board_member,
        reason="Anbindung Fachverfahren",
        name="Fachverfahren",
        client_id="fachverfahren",
        organisation=organisation,
        role=HEAD,
        departments=[department],
    )
    api_client_id = api_client.pk
    services.delete_api_client(api_client, actor=board_member, reason="abgeschaltet")
    rows = list(ApiClient.history.filter(id=api_client_id).order_by("history_id"))
    assert rows[0].history_type == "+"
    assert (rows[-1].history_type, rows[-1].history_change_reason) == ("-", "abgeschaltet")
    service_user = User.objects.get(username="api-fachverfahren")
    membership_rows = Membership.history.filter(user=service_user).order_by("history_id")
    assert {r.history_user for r in membership_rows} == {board_member}
    assert membership_rows.last().history_type == "-"
    assert not service_user.is_active


def test_the_admin_renames_and_deletes_a_department_through_the_services(
    client, board_member, organisation
):
    department = services.create_department(
        actor=board_member, reason="neu", organisation=organisation, name="Kämmerei"
    )
    department_id = department.pk
    client.force_login(board_member)
    change = reverse("admin:accounts_department_change", args=[department_id])
    response = client.post(change, {"organisation": organisation.pk, "name": "Finanzen"})
    assert response.status_code == 302
    delete = reverse("admin:accounts_department_delete", args=[department_id])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    rows = Department.history.filter(id=department_id).order_by("history_id")
    assert [(r.history_type, r.name, r.history_user, r.history_change_reason) for r in rows] == [
        ("+", "Kämmerei", board_member, "neu"),
        ("~", "Finanzen", board_member, "im Admin geändert"),
        ("-", "Finanzen", board_member, "im Admin gelöscht"),
    ]
