"""The admin's role history: who granted a person each role, when, why, and from where."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import ClaimMappingRule, Membership, Organisation, User
from accounts.services import sync_memberships_from_claims
from tests.conftest import make_person

ISSUER = "https://idp.lindenfeld.example/realms/verwaltung"


def history_url(user: User) -> str:
    return reverse("admin:accounts_membership_role_history", args=[user.pk])


@pytest.fixture
def person(board_member: User, organisation: Organisation) -> User:
    person = User.objects.create_user(username="person", oidc_issuer=ISSUER, oidc_subject="s-7")
    services.grant_role(
        person,
        organisation=organisation,
        role=Membership.Role.DATA_PROTECTION_OFFICER,
        actor=board_member,
        reason="Bestellung durch den Bürgermeister",
    )
    ClaimMappingRule.objects.create(
        name="Gremium", pattern="ki-gremium", organisation=organisation, role="board"
    )
    sync_memberships_from_claims(person, claims={"groups": ["ki-gremium"]})
    return person


def test_the_page_shows_a_manual_grant_with_actor_and_reason(client, board_member, person):
    client.force_login(board_member)
    response = client.get(history_url(person))
    assert response.status_code == 200
    manual = next(e for e in response.context["entries"] if e.actor == board_member)
    assert (manual.change_type, manual.role, manual.reason) == (
        "+",
        Membership.Role.DATA_PROTECTION_OFFICER,
        "Bestellung durch den Bürgermeister",
    )
    assert not manual.from_identity_provider
    assert "Bestellung durch den Bürgermeister" in response.content.decode()


def test_the_page_shows_a_grant_by_the_identity_provider_as_such(client, board_member, person):
    client.force_login(board_member)
    response = client.get(history_url(person))
    provider = next(e for e in response.context["entries"] if e.role == Membership.Role.BOARD)
    assert provider.actor is None
    assert provider.from_identity_provider
    assert provider.reason == f"Anmeldung über den Identitätsanbieter {ISSUER}: Gruppe „ki-gremium“"
    assert "vom Identitätsanbieter" in response.content.decode()


def test_a_board_of_another_organisation_does_not_find_the_page(
    client, foreign_board_member, person
):
    client.force_login(foreign_board_member)
    assert client.get(history_url(person)).status_code == 404


def test_a_board_member_sees_only_its_organisations_rows(
    client, board_member, person, other_organisation, foreign_board_member
):
    services.grant_role(
        person,
        organisation=other_organisation,
        role=Membership.Role.AUDITOR,
        actor=foreign_board_member,
        reason="Prüfauftrag des Kreises",
    )
    client.force_login(board_member)
    entries = client.get(history_url(person)).context["entries"]
    assert {e.organisation for e in entries} == {person.memberships.first().organisation}
    client.force_login(foreign_board_member)
    entries = client.get(history_url(person)).context["entries"]
    assert [e.reason for e in entries] == ["Prüfauftrag des Kreises"]


def test_the_operator_sees_every_row_and_finds_the_link_on_the_user_page(client, person):
    operator = User.objects.create_superuser("operator", "op@x.example", "pw")
    client.force_login(operator)
    page = client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert history_url(person) in page.content.decode()
    assert len(client.get(history_url(person)).context["entries"]) == 2


@pytest.mark.parametrize("persona", ["department_head", "dpo", "outsider"])
def test_people_outside_the_admin_are_refused(client, request, persona, person):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(history_url(person))
    assert response.status_code in {302, 403}


def test_a_person_without_visible_rows_is_404(client, board_member):
    client.force_login(board_member)
    assert client.get(history_url(make_person("nobody"))).status_code == 404


def test_a_grant_in_the_membership_admin_records_the_board_member_and_the_reason(
    client, board_member, organisation
):
    newcomer = make_person("newcomer")
    client.force_login(board_member)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": newcomer.pk,
            "organisation": organisation.pk,
            "role": Membership.Role.STAFF_COUNCIL,
            "reason": "Wahl des Personalrats",
        },
    )
    assert response.status_code == 302
    row = Membership.history.get(user=newcomer)
    assert (row.history_user, row.history_change_reason) == (board_member, "Wahl des Personalrats")
    change = reverse("admin:accounts_membership_change", args=[row.id])
    assert history_url(newcomer) in client.get(change).content.decode()


@pytest.mark.parametrize("name", ["organisation", "department", "claimmappingrule", "apiclient"])
def test_the_accounts_admins_have_a_history_view(
    client, board_member, organisation, department, name
):
    rule = ClaimMappingRule.objects.create(
        name="Gremium", pattern="ki-gremium", organisation=organisation, role="board"
    )
    api_client = services.create_api_client(
        actor=board_member,
        reason="Anbindung",
        name="Fachverfahren",
        client_id="fv",
        organisation=organisation,
        role=Membership.Role.DATA_PROTECTION_OFFICER,
    )
    objects = {
        "organisation": organisation,
        "department": department,
        "claimmappingrule": rule,
        "apiclient": api_client,
    }
    client.force_login(board_member)
    url = reverse(f"admin:accounts_{name}_history", args=[objects[name].pk])
    assert client.get(url).status_code == 200


def test_a_foreign_board_does_not_find_the_history_view(client, foreign_board_member, department):
    client.force_login(foreign_board_member)
    url = reverse("admin:accounts_department_history", args=[department.pk])
    assert client.get(url).status_code == 404


def test_the_page_reads_a_fixed_number_of_queries(
    client, board_member, organisation, department, other_department
):
    person = make_person("busy")
    client.force_login(board_member)

    def grant(*departments):
        services.grant_role(
            person,
            organisation=organisation,
            role=Membership.Role.DEPARTMENT_HEAD,
            departments=departments,
            actor=board_member,
            reason="Wechsel",
        )

    grant(department)
    client.get(history_url(person))  # the first request also fills caches (content types)
    with CaptureQueriesContext(connection) as few:
        client.get(history_url(person))
    for _ in range(3):
        grant(other_department)
        grant(department, other_department)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(history_url(person)).context["entries"]) > 6
    assert len(many) == len(few)


def test_the_membership_form_lists_no_one_and_names_people_exactly(
    client, board_member, organisation, django_user_model
):
    stranger = make_person("kreis-mitarbeiterin")
    operator = django_user_model.objects.create_superuser("betrieb", "betrieb@example.org", "pw")
    client.force_login(board_member)
    page = client.get(reverse("admin:accounts_membership_add")).content.decode()
    # Role-less people of the whole installation are not offered to every board.
    assert "kreis-mitarbeiterin" not in page
    assert "betrieb" not in page
    named = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": "kreis-mitarbeiterin",
            "organisation": organisation.pk,
            "role": Membership.Role.AUDITOR,
            "reason": "Prüfung",
        },
    )
    assert named.status_code == 302
    assert Membership.objects.filter(user=stranger, role=Membership.Role.AUDITOR).exists()
    refused = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": operator.username,
            "organisation": organisation.pk,
            "role": Membership.Role.AUDITOR,
            "reason": "Prüfung",
        },
    )
    assert refused.status_code == 200
    assert not Membership.objects.filter(user=operator).exists()
