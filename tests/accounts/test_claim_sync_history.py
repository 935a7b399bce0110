"""Roles the login's claim sync changes are recorded as the identity provider's, with the groups."""

from accounts.models import ClaimMappingRule, Membership, User
from accounts.services import sync_memberships_from_claims

ISSUER = "https://idp.lindenfeld.example/realms/verwaltung"


def provider_user() -> User:
    return User.objects.create_user(username="p", oidc_issuer=ISSUER, oidc_subject="s-1")


def test_a_grant_by_the_claims_names_the_provider_and_the_group(organisation):
    ClaimMappingRule.objects.create(
        name="Gremium", pattern="ki-gremium", organisation=organisation, role="board"
    )
    user = provider_user()
    sync_memberships_from_claims(user, claims={"groups": ["ki-gremium", "andere"]})
    row = Membership.history.get(user=user)
    assert row.history_type == "+"
    assert row.source == Membership.Source.IDENTITY_PROVIDER
    # Nobody but the provider decided: the person logging in is not the one who granted it.
    assert row.history_user is None
    assert row.history_change_reason == (
        f"Anmeldung über den Identitätsanbieter {ISSUER}: Gruppe „ki-gremium“"
    )


def test_a_group_that_picks_the_organisation_is_named_for_that_organisation(organisation):
    ClaimMappingRule.objects.create(
        name="Alle Gremien",
        match_type=ClaimMappingRule.MatchType.REGEX,
        pattern=r"^gremium-(?P<ags>\d{8})$",
        role="board",
    )
    user = provider_user()
    sync_memberships_from_claims(
        user, claims={"groups": [f"gremium-{organisation.ags}", "gremium-00000000"]}
    )
    row = Membership.history.get(user=user)
    assert row.history_change_reason.endswith(f"Gruppe „gremium-{organisation.ags}“")


def test_a_role_the_claims_no_longer_grant_is_revoked_as_the_providers(organisation):
    ClaimMappingRule.objects.create(
        name="Gremium", pattern="ki-gremium", organisation=organisation, role="board"
    )
    user = provider_user()
    sync_memberships_from_claims(user, claims={"groups": ["ki-gremium"]})
    sync_memberships_from_claims(user, claims={"groups": []})
    row = Membership.history.filter(user=user).latest("history_id")
    assert (row.history_type, row.history_user) == ("-", None)
    assert row.history_change_reason == (
        f"Anmeldung über den Identitätsanbieter {ISSUER}: keine Gruppe gewährt die Rolle mehr"
    )


def test_a_login_with_unchanged_groups_leaves_no_history_row(organisation, department):
    ClaimMappingRule.objects.create(
        name="Sozialamt",
        pattern="sozialamt-leitung",
        organisation=organisation,
        role="department_head",
        department=department,
    )
    user = provider_user()
    sync_memberships_from_claims(user, claims={"groups": ["sozialamt-leitung"]})
    count = Membership.history.filter(user=user).count()
    sync_memberships_from_claims(user, claims={"groups": ["sozialamt-leitung"]})
    assert Membership.history.filter(user=user).count() == count
