"""When each obligation applies (Art. 111, 113 KI-VO as amended by VO (EU) 2026/1744)."""

import datetime
import io
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from accounts import services as account_services
from governance import services
from governance.models import AiLiteracyMeasure, ObligationItem, RiskClassification
from governance.risk import classify, to_json
from governance.risk.dates import APPLICATION_DATES, ROUTES, describe, state_on

AI: dict[str, Any] = {"is_ai_system": True}
BENEFITS = {**AI, "annex_iii_points": ["5a"]}
DECEMBER_2026 = datetime.date(2026, 12, 1)
JANUARY_2028 = datetime.date(2028, 1, 1)


def timeline(facts: dict[str, Any], on: datetime.date = DECEMBER_2026) -> dict[str, Any]:
    output = to_json(classify(facts), on=on)
    return {entry["obligation"]: entry for entry in output["timeline"]}  # type: ignore[attr-defined]


def test_every_route_has_a_dated_legal_source() -> None:
    assert set(APPLICATION_DATES) == set(ROUTES)
    for route, row in APPLICATION_DATES.items():
        assert row.source.startswith("Art. 11"), route
        assert "KI-VO" in row.source, route
        # Each date the 2026 amendment set names the amending provision.
        if row.amended_by:
            assert "VO (EU) 2026/1744" in row.amended_by, route


def test_the_dates_of_the_act_as_amended() -> None:
    dates = {route: row.applies_from for route, row in APPLICATION_DATES.items()}
    assert dates["chapter_i_ii"] == datetime.date(2025, 2, 2)  # Art. 113 UAbs. 3 lit. a
    assert dates["art_50"] == datetime.date(2026, 8, 2)  # Art. 113 UAbs. 2
    assert dates["art_50_2_legacy"] == datetime.date(2026, 12, 2)  # Art. 111 Abs. 4 (new)
    assert dates["art_5_amended"] == datetime.date(2026, 12, 2)  # Art. 113 UAbs. 3 lit. a (am.)
    assert dates["high_risk_annex_iii"] == datetime.date(2027, 12, 2)  # Art. 113 UAbs. 3 lit. c
    assert dates["high_risk_annex_i"] == datetime.date(2028, 8, 2)  # Art. 113 UAbs. 3 lit. c
    assert dates["legacy_public_authority"] == datetime.date(2030, 8, 2)  # Art. 111 Abs. 2
    assert dates["legacy_unchanged"] is None  # Art. 111 Abs. 2 S. 1: only on a design change


def test_in_december_2026_only_art_4_applies_to_a_high_risk_deployer() -> None:
    entries = timeline(BENEFITS)

    assert entries["art_4_ai_literacy"]["state"] == "in_force"
    for obligation in ("art_26_deployer_obligations", "art_27_fria", "art_49_registration"):
        assert entries[obligation]["applies_from"] == "2027-12-02"
        assert entries[obligation]["state"] == "coming"
        assert entries[obligation]["days_left"] == 366


def test_on_1_january_2028_the_annex_iii_duties_are_in_force() -> None:
    entries = timeline(BENEFITS, on=JANUARY_2028)

    assert {entry["state"] for entry in entries.values()} == {"in_force"}


def test_annex_i_duties_apply_from_august_2028() -> None:
    # Art. 6(1) with Annex I: Art. 113 UAbs. 3 lit. c as amended.
    entries = timeline({**AI, "annex_i_safety_component": True}, on=JANUARY_2028)

    assert entries["art_26_deployer_obligations"]["applies_from"] == "2028-08-02"
    assert entries["art_26_deployer_obligations"]["state"] == "coming"


def test_transparency_duties_apply_since_august_2026() -> None:
    entries = timeline({**AI, "deep_fake": True})

    assert entries["art_50_4"]["applies_from"] == "2026-08-02"
    assert entries["art_50_4"]["state"] == "in_force"


@pytest.mark.parametrize(
    ("placed", "applies_from"),
    [
        # Art. 111(4): on the market before 2 August 2026, marking due by 2 December 2026.
        ("2026-03-01", "2026-12-02"),
        # Placed after that day: Art. 50(2) applies from its general date (Art. 113 UAbs. 2).
        ("2026-09-01", "2026-08-02"),
        (None, "2026-08-02"),
    ],
)
def test_art_50_2_marking_for_systems_already_on_the_market(
    placed: str | None, applies_from: str
) -> None:
    facts = {
        **AI,
        "role": "provider",
        "generates_synthetic_content": True,
        "placed_on_market_on": placed,
    }

    assert timeline(facts)["art_50_2"]["applies_from"] == applies_from


def test_the_amended_prohibitions_apply_from_december_2026() -> None:
    # Art. 5(1)(ba), (bb) inserted by VO (EU) 2026/1744; Art. 113 UAbs. 3 lit. a as amended.
    entries = timeline({**AI, "prohibited_practices": ["5_1_ba"]}, on=datetime.date(2026, 11, 1))
    assert entries["art_5_prohibited"]["applies_from"] == "2026-12-02"
    assert entries["art_5_prohibited"]["state"] == "coming"
    # Together with an original prohibition the earlier date decides.
    both = timeline({**AI, "prohibited_practices": ["5_1_a", "5_1_ba"]})
    assert both["art_5_prohibited"]["applies_from"] == "2025-02-02"


def test_a_public_authoritys_system_already_in_service_gets_until_2030() -> None:
    # Art. 111(2) second sentence: public authorities comply by 2 August 2030.
    entries = timeline({**BENEFITS, "placed_on_market_on": "2024-05-01"})

    assert entries["art_26_deployer_obligations"]["applies_from"] == "2030-08-02"
    assert "Art. 111 Abs. 2" in entries["art_26_deployer_obligations"]["source"]
    assert "2026/1744" in entries["art_26_deployer_obligations"]["source"]
    # Prohibitions and Art. 4 know no grandfathering ("without prejudice to Article 5").
    assert entries["art_4_ai_literacy"]["applies_from"] == "2025-02-02"


def test_a_significant_design_change_ends_the_transition() -> None:
    # Art. 111(2): the transition covers systems whose design has not changed significantly.
    entries = timeline(
        {**BENEFITS, "placed_on_market_on": "2024-05-01", "significant_design_change": True}
    )

    assert entries["art_26_deployer_obligations"]["applies_from"] == "2027-12-02"


def test_a_private_operators_unchanged_legacy_system_is_not_covered() -> None:
    # Art. 111(2) first sentence: other operators' legacy systems only on a design change.
    entries = timeline(
        {
            **BENEFITS,
            "deployer_legal_form": "private_public_services",
            "placed_on_market_on": "2024-05-01",
        }
    )

    assert entries["art_26_deployer_obligations"]["state"] == "not_applicable"
    assert entries["art_26_deployer_obligations"]["applies_from"] is None


def test_a_system_placed_after_the_chapter_iii_date_gets_no_transition() -> None:
    entries = timeline({**BENEFITS, "placed_on_market_on": "2028-01-10"})

    assert entries["art_26_deployer_obligations"]["applies_from"] == "2027-12-02"


@pytest.mark.parametrize(
    ("legal_form", "fria", "registration"),
    [
        # Art. 27(1): bodies governed by public law and private entities providing public
        # services; Art. 26(8), 49(3): only public authorities register their use.
        ("public_authority", True, True),
        ("body_governed_by_public_law", True, False),
        ("private_public_services", True, False),
        ("private", False, False),
    ],
)
def test_the_deployers_legal_form_decides_fria_and_registration(
    legal_form: str, fria: bool, registration: bool
) -> None:
    obligations = set(classify({**BENEFITS, "deployer_legal_form": legal_form}).obligations)

    assert ("art_27_fria" in obligations) is fria
    assert ("art_49_registration" in obligations) is registration


def test_a_private_deployer_of_credit_scoring_still_owes_a_fria() -> None:
    # Art. 27(1) also reaches every deployer of an Annex III 5(b) or 5(c) system.
    facts = {**AI, "annex_iii_points": ["5b"], "deployer_legal_form": "private"}

    assert "art_27_fria" in classify(facts).obligations


def test_a_bad_date_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="placed_on_market_on"):
        classify({**AI, "placed_on_market_on": "1.12.2026"})


def test_state_on_counts_the_days_left() -> None:
    assert state_on(datetime.date(2027, 12, 2), DECEMBER_2026) == ("coming", 366)
    assert state_on(datetime.date(2025, 2, 2), DECEMBER_2026) == ("in_force", None)
    assert state_on(None, DECEMBER_2026) == ("not_applicable", None)


def test_describe_says_since_from_and_not() -> None:
    assert describe(datetime.date(2025, 2, 2), "x", DECEMBER_2026) == "gilt seit 2. Februar 2025"
    assert describe(datetime.date(2027, 12, 2), "x", DECEMBER_2026) == (
        "gilt ab 2. Dezember 2027 (noch 366 Tage)"
    )
    assert describe(None, "Art. 111 Abs. 2", DECEMBER_2026) == "gilt nicht (Art. 111 Abs. 2)"


# -- the command and the API --------------------------------------------------------------------


def run_command(stdin: str, *args: str) -> dict[str, Any]:
    stdout = io.StringIO()
    call_command("classify_risk", *args, stdin=io.StringIO(stdin), stdout=stdout)
    return json.loads(stdout.getvalue())  # type: ignore[no-any-return]


def test_command_on_a_given_day() -> None:
    output = run_command(json.dumps(BENEFITS), "--on", "2028-01-01")

    assert output["reference_date"] == "2028-01-01"
    assert {entry["state"] for entry in output["timeline"]} == {"in_force"}


def test_command_refuses_a_bad_day_with_exit_code_2() -> None:
    with pytest.raises(CommandError) as exc:
        run_command(json.dumps(BENEFITS), "--on", "morgen")
    assert exc.value.returncode == 2
    assert "--on" in str(exc.value)


def test_api_states_on_the_given_day(client) -> None:
    response = client.post(
        "/api/v1/risk-classification/?on=2026-12-01", BENEFITS, content_type="application/json"
    )

    assert response.status_code == 200
    entries = {entry["obligation"]: entry for entry in response.json()["timeline"]}
    assert entries["art_27_fria"]["state"] == "coming"
    assert entries["art_27_fria"]["days_left"] == 366


def test_api_refuses_a_bad_day_in_german(client) -> None:
    response = client.post(
        "/api/v1/risk-classification/?on=bald", BENEFITS, content_type="application/json"
    )

    assert response.status_code == 400
    assert "kein Datum" in response.json()["errors"]["on"][0]


def test_api_takes_the_day_only_as_the_schema_writes_it(client) -> None:
    # fromisoformat alone would take these; the schema's full-date is YYYY-MM-DD only.
    for day in ("20261201", "2026-W49-2", "2026-12-1", ""):
        response = client.post(
            f"/api/v1/risk-classification/?on={day}", BENEFITS, content_type="application/json"
        )
        assert response.status_code == 400, day
        assert list(response.json()["errors"]) == ["on"]


# -- stored classifications and obligation items ------------------------------------------------


@pytest.mark.django_db
def test_obligation_items_carry_their_date_and_source(use_case, department_head) -> None:
    services.classify_use_case(use_case, actor=department_head, facts=BENEFITS)
    items = {i.obligation: i for i in ObligationItem.objects.filter(use_case=use_case)}

    fria = items["art_27_fria"]
    assert fria.applies_from == datetime.date(2027, 12, 2)
    assert "Art. 113 UAbs. 3 lit. c" in fria.applies_from_source
    assert fria.timing_on(DECEMBER_2026) == ("coming", 366)
    # Art. 4 is recorded once for the organisation, never as an item of a use case.
    assert "art_4_ai_literacy" not in items
    stored = RiskClassification.objects.get(use_case=use_case)
    assert {entry["obligation"] for entry in stored.timeline} >= {"art_4_ai_literacy"}


@pytest.mark.django_db
def test_the_organisations_legal_form_decides_over_the_answers(use_case, department_head) -> None:
    account_services.update_organisation(
        use_case.organisation, actor=None, reason="Stadtwerke", legal_form="private"
    )
    use_case.refresh_from_db()
    services.classify_use_case(
        use_case,
        actor=department_head,
        facts={**BENEFITS, "deployer_legal_form": "public_authority"},
    )

    obligations = RiskClassification.objects.get(use_case=use_case).obligations
    assert "art_27_fria" not in obligations
    assert "art_49_registration" not in obligations


@pytest.mark.django_db
def test_the_board_records_ai_literacy_measures_once_for_the_organisation(
    organisation, board_member, department_head
) -> None:
    measure = services.record_ai_literacy_measure(
        organisation,
        actor=board_member,
        title="Grundschulung KI",
        carried_out_on=datetime.date(2026, 10, 1),
        evidence_reference="Teilnahmeliste Az. 10-123",
    )
    assert measure.history.first().history_user == board_member

    with pytest.raises(PermissionDenied):
        services.record_ai_literacy_measure(
            organisation,
            actor=department_head,
            title="x",
            carried_out_on=datetime.date(2026, 10, 1),
            evidence_reference="y",
        )
    with pytest.raises(ValidationError) as exc:
        services.record_ai_literacy_measure(
            organisation,
            actor=board_member,
            title="",
            carried_out_on=datetime.date(2026, 10, 1),
            evidence_reference="",
        )
    assert {"title", "evidence_reference"} <= set(exc.value.message_dict)
    assert AiLiteracyMeasure.objects.count() == 1
