"""Claim mapping rules: the three claim shapes, patterns, and claims that grant nothing."""

import pytest

from accounts.claims import evaluate_claims, values_at
from accounts.models import ClaimMappingRule, Membership


def rule(organisation, **fields) -> ClaimMappingRule:
    defaults = {"name": "Regel", "pattern": "ki-gremium", "role": Membership.Role.BOARD}
    return ClaimMappingRule.objects.create(organisation=organisation, **{**defaults, **fields})


def test_a_plain_groups_list_is_read():
    assert values_at({"groups": ["a", "b"]}, "groups") == ["a", "b"]


def test_keycloak_realm_roles_are_read():
    claims = {"realm_access": {"roles": ["offline_access", "dsb"]}}
    assert values_at(claims, "realm_access.roles") == ["offline_access", "dsb"]


def test_keycloak_client_roles_are_read():
    claims = {"resource_access": {"ki-register": {"roles": ["gremium"]}, "other": {"roles": ["x"]}}}
    assert values_at(claims, "resource_access.ki-register.roles") == ["gremium"]


def test_a_nested_path_through_a_list_is_read():
    claims = {"kommune": {"mitgliedschaften": [{"gruppe": "a"}, {"gruppe": "b"}, {"x": "c"}]}}
    assert values_at(claims, "kommune.mitgliedschaften.gruppe") == ["a", "b"]


def test_a_missing_or_non_text_claim_reads_as_nothing():
    assert values_at({"groups": [1, None, {"a": "b"}]}, "groups") == []
    assert values_at({}, "realm_access.roles") == []


@pytest.mark.django_db
def test_a_client_role_grants_the_mapped_role(organisation):
    rule(organisation, claim_path="resource_access.ki-register.roles", pattern="gremium")
    claims = {"resource_access": {"ki-register": {"roles": ["gremium"]}}}
    evaluation = evaluate_claims(claims, ClaimMappingRule.objects.all())
    assert [(g.organisation, g.role) for g in evaluation.grants] == [(organisation, "board")]


@pytest.mark.django_db
def test_a_glob_pattern_matches_whole_values_only(organisation):
    rule(organisation, match_type=ClaimMappingRule.MatchType.GLOB, pattern="lf-*-dsb")
    hit = evaluate_claims({"groups": ["lf-rathaus-dsb"]}, ClaimMappingRule.objects.all())
    miss = evaluate_claims({"groups": ["xlf-rathaus-dsb-alt"]}, ClaimMappingRule.objects.all())
    assert len(hit.grants) == 1
    assert miss.grants == []


@pytest.mark.django_db
def test_an_exact_rule_does_not_treat_its_value_as_a_pattern(organisation):
    rule(organisation, pattern="ki.gremium")
    evaluation = evaluate_claims({"groups": ["kiXgremium"]}, ClaimMappingRule.objects.all())
    assert evaluation.grants == []


@pytest.mark.django_db
def test_a_regex_rule_picks_organisation_and_department_from_the_group(organisation, department):
    ClaimMappingRule.objects.create(
        name="Amtsleitungen",
        match_type=ClaimMappingRule.MatchType.REGEX,
        pattern=r"(?P<ags>\d{8})/(?P<department>[^/]+)/leitung",
        role=Membership.Role.DEPARTMENT_HEAD,
    )
    evaluation = evaluate_claims(
        {"groups": ["05999001/Sozialamt/leitung"]}, ClaimMappingRule.objects.all()
    )
    [grant] = evaluation.grants
    assert (grant.organisation, grant.role, set(grant.departments)) == (
        organisation,
        Membership.Role.DEPARTMENT_HEAD,
        {department},
    )


@pytest.mark.django_db
def test_a_group_naming_an_unknown_department_grants_nothing(organisation, department):
    ClaimMappingRule.objects.create(
        name="Amtsleitungen",
        match_type=ClaimMappingRule.MatchType.REGEX,
        pattern=r"(?P<ags>\d{8})/(?P<department>[^/]+)/leitung",
        role=Membership.Role.DEPARTMENT_HEAD,
    )
    evaluation = evaluate_claims(
        {"groups": ["05999001/Bauamt/leitung"]}, ClaimMappingRule.objects.all()
    )
    assert evaluation.grants == []
    assert "unbekannten Fachbereich" in evaluation.problems[0]


@pytest.mark.django_db
def test_inactive_rules_grant_nothing_at_login(organisation):
    from accounts.claims import active_rules

    rule(organisation, is_active=False)
    assert evaluate_claims({"groups": ["ki-gremium"]}, active_rules()).grants == []


@pytest.mark.django_db
def test_unmatched_values_are_reported(organisation):
    rule(organisation)
    evaluation = evaluate_claims(
        {"groups": ["ki-gremium", "kantine"]}, ClaimMappingRule.objects.all()
    )
    assert evaluation.unmatched == ["kantine"]


@pytest.mark.django_db
def test_a_malformed_stored_rule_is_skipped_not_fatal(organisation):
    rule(organisation, name="Kaputt", match_type=ClaimMappingRule.MatchType.REGEX, pattern="(")
    rule(organisation, name="Gut", role=Membership.Role.AUDITOR)
    evaluation = evaluate_claims({"groups": ["ki-gremium"]}, ClaimMappingRule.objects.all())
    assert [g.role for g in evaluation.grants] == [Membership.Role.AUDITOR]
    assert "Kaputt" in evaluation.problems[0]


@pytest.mark.django_db
def test_departments_of_two_rules_for_one_role_are_merged(
    organisation, department, other_department
):
    for dept in (department, other_department):
        rule(organisation, name=dept.name, role=Membership.Role.DEPARTMENT_HEAD, department=dept)
    [grant] = evaluate_claims({"groups": ["ki-gremium"]}, ClaimMappingRule.objects.all()).grants
    assert set(grant.departments) == {department, other_department}
