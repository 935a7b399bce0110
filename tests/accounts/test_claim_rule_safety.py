"""A board's mapping rule can neither stall logins (RE2) nor read another organisation's logins."""

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts import claims
from accounts.claims import evaluate_claims
from accounts.models import ClaimMappingRule, Membership, User
from accounts.services import sync_memberships_from_claims

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:accounts_claimmappingrule_add")


def rule(organisation, **fields) -> ClaimMappingRule:
    defaults = {"name": "KI-Gremium", "pattern": "ki-gremium", "role": Membership.Role.BOARD}
    return ClaimMappingRule.objects.create(organisation=organisation, **{**defaults, **fields})


def test_a_catastrophic_backtracking_pattern_runs_in_linear_time(organisation):
    rule(organisation, match_type=ClaimMappingRule.MatchType.REGEX, pattern="^(a+)+$")
    # Python's re would try about 2**5000 ways of splitting the a's before giving up.
    evaluation = evaluate_claims({"groups": ["a" * 5000 + "b"]}, ClaimMappingRule.objects.all())
    assert evaluation.grants == []
    assert evaluation.unmatched == ["a" * 5000 + "b"]


def test_regex_rules_still_match_whole_values_with_named_groups(organisation, department):
    rule(
        None,
        match_type=ClaimMappingRule.MatchType.REGEX,
        pattern=r"(?P<ags>\d{8})/(?P<department>[^/]+)/leitung",
        role=Membership.Role.DEPARTMENT_HEAD,
    )
    rules = ClaimMappingRule.objects.all()
    hit = evaluate_claims({"groups": ["05999001/Sozialamt/leitung"]}, rules)
    miss = evaluate_claims({"groups": ["05999001/Sozialamt/leitung-alt"]}, rules)
    assert [(g.organisation, set(g.departments)) for g in hit.grants] == [
        (organisation, {department})
    ]
    assert miss.grants == []


@pytest.mark.parametrize(
    "pattern", [r"(ki)-\1", r"(?P<x>ki)-(?P=x)", r"ki-(?=gremium).*", r"(?<!x)ki-gremium"]
)
def test_backreferences_and_lookarounds_are_refused_naming_the_field(
    client, board_member, organisation, pattern
):
    client.force_login(board_member)
    response = client.post(
        ADD_URL,
        {
            "name": "Rückblick",
            "claim_path": "groups",
            "match_type": "regex",
            "pattern": pattern,
            "organisation": organisation.pk,
            "role": "board",
            "department": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["pattern"]
    assert any("Feld „Gruppe oder Muster“" in error for error in errors)
    assert any("Lookarounds" in error for error in errors)
    assert not ClaimMappingRule.objects.exists()


@pytest.fixture
def compiled_rules(monkeypatch):
    """The rules whose patterns were compiled, i.e. evaluated, in order."""
    seen: list[ClaimMappingRule] = []
    original = claims.compile_rule

    def spy(rule_: ClaimMappingRule):
        seen.append(rule_)
        return original(rule_)

    monkeypatch.setattr(claims, "compile_rule", spy)
    return seen


@override_settings(OIDC_ORGANISATION_CLAIM="kommune.ags")
def test_a_rule_of_one_organisation_is_never_evaluated_for_another_organisations_login(
    organisation, other_organisation, compiled_rules
):
    rule_a = rule(organisation, name="Lindenfeld: alles", match_type="regex", pattern="^(a+)+$")
    rule_b = rule(other_organisation, name="Birkenau: Gremium")
    person = User.objects.create(username="birkenauerin")
    login = {"kommune": {"ags": other_organisation.ags}, "groups": ["ki-gremium"]}
    evaluation = sync_memberships_from_claims(person, claims=login)
    # Birkenau's rule is read for the grant and again for the history row's reason.
    assert set(compiled_rules) == {rule_b}
    assert rule_a not in compiled_rules
    assert [(g.organisation, g.role) for g in evaluation.grants] == [(other_organisation, "board")]


@override_settings(OIDC_ORGANISATION_CLAIM="kommune.ags")
def test_a_login_without_an_organisation_claim_reads_only_the_operators_rules(
    organisation, compiled_rules
):
    rule(organisation)
    evaluation = sync_memberships_from_claims(
        User.objects.create(username="ohne-kommune"), claims={"groups": ["ki-gremium"]}
    )
    assert compiled_rules == []
    assert evaluation.grants == []


@override_settings(OIDC_ORGANISATION_CLAIM="kommune.ags")
def test_an_operator_rule_naming_an_organisation_attributes_the_login_to_it(
    organisation, other_organisation, compiled_rules
):
    operator = rule(
        None,
        name="Mitglieder",
        match_type="regex",
        pattern=r"kommune-(?P<ags>\d{8})",
        role=Membership.Role.AUDITOR,
    )
    board = rule(organisation, name="Lindenfeld: Gremium")
    foreign = rule(other_organisation, name="Birkenau: Gremium")
    evaluation = evaluate_claims(
        {"groups": ["kommune-05999001", "ki-gremium"]},
        ClaimMappingRule.objects.all(),
        organisation_claim="kommune.ags",
    )
    assert compiled_rules == [operator, board]
    assert foreign not in compiled_rules
    assert sorted((g.organisation.slug, g.role) for g in evaluation.grants) == [
        ("lindenfeld", "auditor"),
        ("lindenfeld", "board"),
    ]


def test_without_an_organisation_claim_every_rule_reads_every_login(
    organisation, other_organisation, compiled_rules
):
    # One provider per municipality: nothing in the claims could tell organisations apart.
    rule(organisation)
    rule(other_organisation)
    evaluation = evaluate_claims({"groups": ["ki-gremium"]}, ClaimMappingRule.objects.all())
    assert len(compiled_rules) == 2
    assert len(evaluation.grants) == 2


def test_a_malformed_stored_rule_does_not_break_the_reason_of_a_login(organisation):
    # A rule saved before RE2 (or written around the admin) is skipped, at login as in the preview.
    rule(organisation, name="Kaputt", match_type="regex", pattern=r"(ki)-\1")
    rule(organisation, name="Gut")
    evaluation = sync_memberships_from_claims(
        User.objects.create(username="lindenfelderin"), claims={"groups": ["ki-gremium"]}
    )
    assert [(g.organisation, g.role) for g in evaluation.grants] == [(organisation, "board")]
