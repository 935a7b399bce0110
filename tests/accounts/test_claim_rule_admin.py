"""The board's mapping rules in the admin: validation naming the rule, scope, and the preview."""

import json

import pytest
from django.urls import reverse

from accounts.models import ClaimMappingRule, Membership

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:accounts_claimmappingrule_add")
PREVIEW_URL = reverse("admin:accounts_claimmappingrule_preview")


def form(organisation_, **fields):
    return {
        "name": "KI-Gremium",
        "claim_path": "groups",
        "match_type": "exact",
        "pattern": "ki-gremium",
        "organisation": organisation_.pk,
        "role": "board",
        "department": "",
        "is_active": "on",
        **fields,
    }


def test_board_member_adds_a_rule_for_their_organisation(client, board_member, organisation):
    client.force_login(board_member)
    response = client.post(ADD_URL, form(organisation))
    assert response.status_code == 302
    assert ClaimMappingRule.objects.get().organisation == organisation


def test_a_malformed_regex_is_refused_with_the_rule_named(client, board_member, organisation):
    client.force_login(board_member)
    response = client.post(
        ADD_URL, form(organisation, name="Kaputte Regel", match_type="regex", pattern="ki-(gremium")
    )
    assert response.status_code == 200
    assert "Regel „Kaputte Regel“: Das Muster ist kein gültiger regulärer Ausdruck" in (
        response.content.decode()
    )
    assert not ClaimMappingRule.objects.exists()


def test_an_empty_claim_path_part_is_refused(client, board_member, organisation):
    client.force_login(board_member)
    response = client.post(ADD_URL, form(organisation, claim_path="realm_access..roles"))
    assert "Claim-Pfad ist leer oder hat leere Teile" in response.content.decode()
    assert not ClaimMappingRule.objects.exists()


def test_a_department_head_rule_without_department_is_refused(client, board_member, organisation):
    client.force_login(board_member)
    response = client.post(ADD_URL, form(organisation, role="department_head"))
    assert "Eine Fachbereichsleitung braucht einen Fachbereich" in response.content.decode()
    assert not ClaimMappingRule.objects.exists()


def test_board_member_cannot_add_a_rule_for_another_organisation(
    client, board_member, other_organisation
):
    client.force_login(board_member)
    response = client.post(ADD_URL, form(other_organisation))
    assert response.status_code == 200
    assert not ClaimMappingRule.objects.exists()


def test_board_member_cannot_add_a_rule_without_organisation(client, board_member, organisation):
    client.force_login(board_member)
    response = client.post(
        ADD_URL, form(organisation, organisation="", match_type="regex", pattern=r"(?P<ags>\d{8})")
    )
    assert response.status_code == 200
    assert not ClaimMappingRule.objects.exists()


def test_superuser_adds_a_rule_that_picks_the_organisation_from_the_group(
    client, admin_user, organisation
):
    client.force_login(admin_user)
    response = client.post(
        ADD_URL,
        {
            "name": "Gremien nach AGS",
            "claim_path": "groups",
            "match_type": "regex",
            "pattern": r"gremium-(?P<ags>\d{8})",
            "organisation": "",
            "role": "board",
            "department": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert ClaimMappingRule.objects.get().organisation is None


def test_a_rule_without_organisation_needs_an_ags_group(client, admin_user, organisation):
    client.force_login(admin_user)
    response = client.post(
        ADD_URL,
        {
            "name": "Ohne AGS",
            "claim_path": "groups",
            "match_type": "exact",
            "pattern": "x",
            "organisation": "",
            "role": "board",
            "department": "",
            "is_active": "on",
        },
    )
    assert "Regel „Ohne AGS“: Ohne Organisation muss das Muster" in response.content.decode()


def test_foreign_board_member_does_not_see_the_rule(client, foreign_board_member, organisation):
    rule = ClaimMappingRule.objects.create(
        name="KI-Gremium", pattern="ki-gremium", organisation=organisation, role="board"
    )
    client.force_login(foreign_board_member)
    changelist = client.get(reverse("admin:accounts_claimmappingrule_changelist"))
    assert "ki-gremium" not in changelist.content.decode()
    change = client.get(reverse("admin:accounts_claimmappingrule_change", args=[rule.pk]))
    assert change.status_code in (302, 404)


def test_department_head_cannot_open_the_preview(client, department_head):
    client.force_login(department_head)
    response = client.get(PREVIEW_URL)
    assert response.status_code in (302, 403)


def test_preview_shows_what_claims_would_grant(client, board_member, organisation):
    ClaimMappingRule.objects.create(
        name="KI-Gremium", pattern="ki-gremium", organisation=organisation, role="board"
    )
    client.force_login(board_member)
    claims = {"groups": ["ki-gremium", "kantine"]}
    response = client.post(PREVIEW_URL, {"claims": json.dumps(claims)})
    page = response.content.decode()
    assert "Stadt Lindenfeld" in page
    assert "KI-Gremium" in page
    assert "<code>kantine</code>" in page
    assert not Membership.objects.exclude(user=board_member).exists()


def test_preview_refuses_malformed_json_with_its_position(client, board_member):
    client.force_login(board_member)
    response = client.post(PREVIEW_URL, {"claims": '{"groups": [}'})
    assert "Claims: kein gültiges JSON (Zeile 1" in response.content.decode()
