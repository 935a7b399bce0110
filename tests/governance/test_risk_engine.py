import json
from typing import Any

import pytest

from governance.risk import RULE_SET_VERSION, Facts, FactsError, classify, parse_facts, to_json
from governance.risk.engine import (
    ANNEX_III_POINTS,
    ART_6_3_CONDITIONS,
    EXCLUSIONS,
    FACT_FIELDS,
    NON_FIELD_ERRORS,
    OBLIGATIONS,
    PROHIBITED_PRACTICES,
    ROLES,
    TREE_FIELDS,
)
from governance.risk.questions import ORGANISATION_FACTS, QUESTIONS

AI: dict[str, Any] = {"is_ai_system": True}
BENEFITS = {**AI, "annex_iii_points": ["5a"]}
# Art. 6(3): the opening condition (UAbs. 1) and a derogation (UAbs. 2).
DEROGATED_BENEFITS = {**BENEFITS, "art_6_3_no_significant_risk": True, "art_6_3_conditions": ["d"]}
CHATBOT = {**AI, "interacts_with_natural_persons": True}

# Art. 26(11) and Art. 86 (not for Annex III point 2) since rule set 2026.2.
HIGH_RISK_DEPLOYER = {
    "art_4_ai_literacy",
    "art_26_deployer_obligations",
    "art_26_11_inform_affected_persons",
    "art_86_explanation",
    "art_27_fria",
    "art_49_registration",
}
HIGH_RISK_PROVIDER = {"art_4_ai_literacy", "art_16_provider_obligations", "art_49_registration"}

# (facts, risk class, obligations), each derived from the Act's text for that role and case.
SCENARIOS = [
    *[
        pytest.param(
            {**AI, "prohibited_practices": [practice]},
            "prohibited",
            # Art. 5(1): the system may not be used, so no Art. 4 literacy duty for it either.
            {"art_5_prohibited"},
            id=f"art_{practice}_is_prohibited",
        )
        for practice in PROHIBITED_PRACTICES
    ],
    pytest.param(
        # A prohibited system may not be used at all, so its high-risk duties never arise.
        {
            **BENEFITS,
            "prohibited_practices": ["5_1_c"],
            "role": "provider_and_deployer",
            "interacts_with_natural_persons": True,
        },
        "prohibited",
        {"art_5_prohibited"},
        id="prohibition_outranks_high_risk_and_transparency",
    ),
    pytest.param(
        BENEFITS,
        "high_risk",
        HIGH_RISK_DEPLOYER,
        id="benefits_eligibility_as_deployer",
    ),
    pytest.param(
        {**BENEFITS, "role": "provider"},
        "high_risk",
        HIGH_RISK_PROVIDER,
        id="benefits_eligibility_as_provider",
    ),
    pytest.param(
        {**BENEFITS, "role": "provider_and_deployer"},
        "high_risk",
        HIGH_RISK_DEPLOYER | HIGH_RISK_PROVIDER,
        id="benefits_eligibility_as_provider_and_deployer",
    ),
    pytest.param(
        DEROGATED_BENEFITS,
        "minimal",
        {"art_4_ai_literacy"},
        id="art_6_3_derogation_leaves_deployer_without_high_risk_duties",
    ),
    pytest.param(
        {**DEROGATED_BENEFITS, "role": "provider"},
        "minimal",
        {"art_4_ai_literacy", "art_6_4_documentation", "art_49_registration"},
        id="art_6_3_derogation_makes_provider_document_and_register",
    ),
    pytest.param(
        {**DEROGATED_BENEFITS, "role": "provider_and_deployer"},
        "minimal",
        {"art_4_ai_literacy", "art_6_4_documentation", "art_49_registration"},
        id="art_6_3_derogation_as_provider_and_deployer",
    ),
    pytest.param(
        {**DEROGATED_BENEFITS, "profiles_natural_persons": True},
        "high_risk",
        HIGH_RISK_DEPLOYER,
        id="profiling_defeats_art_6_3_derogation_for_deployer",
    ),
    pytest.param(
        {
            **AI,
            "annex_iii_points": ["4"],
            "art_6_3_conditions": ["a", "c"],
            "profiles_natural_persons": True,
            "role": "provider",
        },
        "high_risk",
        HIGH_RISK_PROVIDER,
        id="profiling_defeats_art_6_3_derogation_for_provider",
    ),
    pytest.param(
        {**AI, "art_6_3_conditions": ["a"], "profiles_natural_persons": True},
        "minimal",
        {"art_4_ai_literacy"},
        id="art_6_3_answers_without_annex_iii_point_change_nothing",
    ),
    pytest.param(
        {**AI, "annex_i_safety_component": True},
        "high_risk",
        {"art_4_ai_literacy", "art_26_deployer_obligations"},
        id="annex_i_as_deployer_has_no_fria_and_no_registration",
    ),
    pytest.param(
        {**AI, "annex_i_safety_component": True, "role": "provider"},
        "high_risk",
        {"art_4_ai_literacy", "art_16_provider_obligations"},
        id="annex_i_as_provider_has_no_eu_database_registration",
    ),
    pytest.param(
        {**AI, "annex_iii_points": ["2"]},
        "high_risk",
        # Art. 26(11) applies; Art. 86(1) excludes Annex III point 2.
        {"art_4_ai_literacy", "art_26_deployer_obligations", "art_26_11_inform_affected_persons"},
        id="critical_infrastructure_as_deployer_has_no_fria_and_no_registration",
    ),
    pytest.param(
        # Art. 49(5): registration at national level, which falls to the provider.
        {**AI, "annex_iii_points": ["2"], "role": "provider"},
        "high_risk",
        HIGH_RISK_PROVIDER,
        id="critical_infrastructure_as_provider_is_registered_nationally",
    ),
    pytest.param(
        {**AI, "annex_iii_points": ["2", "5d"]},
        "high_risk",
        HIGH_RISK_DEPLOYER,
        id="critical_infrastructure_with_emergency_dispatch_needs_fria",
    ),
    *[
        pytest.param(
            {**AI, "annex_iii_points": [point]},
            "high_risk",
            HIGH_RISK_DEPLOYER,
            id=f"annex_iii_point_{point}_as_public_deployer_needs_fria_and_registration",
        )
        for point in ANNEX_III_POINTS
        if point != "2"
    ],
    pytest.param(
        CHATBOT,
        "transparency",
        {"art_4_ai_literacy"},
        id="chatbot_as_deployer_leaves_disclosure_design_to_provider",
    ),
    pytest.param(
        {**CHATBOT, "role": "provider"},
        "transparency",
        {"art_4_ai_literacy", "art_50_1"},
        id="chatbot_as_provider",
    ),
    pytest.param(
        {**AI, "generates_synthetic_content": True},
        "transparency",
        {"art_4_ai_literacy"},
        id="synthetic_content_as_deployer_leaves_marking_to_provider",
    ),
    pytest.param(
        {**AI, "generates_synthetic_content": True, "role": "provider"},
        "transparency",
        {"art_4_ai_literacy", "art_50_2"},
        id="synthetic_content_as_provider",
    ),
    pytest.param(
        {**AI, "emotion_recognition_or_biometric_categorisation": True},
        "transparency",
        {"art_4_ai_literacy", "art_50_3"},
        id="emotion_recognition_as_deployer",
    ),
    pytest.param(
        {**AI, "emotion_recognition_or_biometric_categorisation": True, "role": "provider"},
        "transparency",
        {"art_4_ai_literacy"},
        id="emotion_recognition_as_provider_leaves_informing_to_deployer",
    ),
    pytest.param(
        {**AI, "deep_fake": True},
        "transparency",
        {"art_4_ai_literacy", "art_50_4"},
        id="deep_fake_as_deployer",
    ),
    pytest.param(
        # A deep fake is synthetic content, so its provider marks it even if that was not ticked.
        {**AI, "deep_fake": True, "role": "provider_and_deployer"},
        "transparency",
        {"art_4_ai_literacy", "art_50_2", "art_50_4"},
        id="deep_fake_as_provider_and_deployer",
    ),
    pytest.param(
        {**AI, "public_interest_text_without_editorial_review": True},
        "transparency",
        {"art_4_ai_literacy", "art_50_4"},
        id="public_interest_text_without_editorial_review_as_deployer",
    ),
    pytest.param(
        {**AI, "public_interest_text_without_editorial_review": True, "role": "provider"},
        "transparency",
        # Art. 50(4) UAbs. 2: the organisation publishes the texts itself, so it discloses too.
        {"art_4_ai_literacy", "art_50_2", "art_50_4"},
        id="public_interest_text_published_by_a_provider_is_disclosed_by_it",
    ),
    pytest.param(
        {**BENEFITS, **CHATBOT},
        "high_risk",
        HIGH_RISK_DEPLOYER,
        id="chatbot_deciding_benefits_as_deployer_stays_high_risk",
    ),
    pytest.param(
        {
            **BENEFITS,
            **CHATBOT,
            "generates_synthetic_content": True,
            "role": "provider_and_deployer",
        },
        "high_risk",
        HIGH_RISK_DEPLOYER | HIGH_RISK_PROVIDER | {"art_50_1", "art_50_2"},
        id="transparency_duties_add_to_high_risk_duties",
    ),
    pytest.param(
        {**AI, "annex_iii_points": ["1"], "emotion_recognition_or_biometric_categorisation": True},
        "high_risk",
        HIGH_RISK_DEPLOYER | {"art_50_3"},
        id="biometric_categorisation_is_high_risk_and_must_be_disclosed",
    ),
    pytest.param(
        AI,
        "minimal",
        {"art_4_ai_literacy"},
        id="ai_system_with_nothing_else_is_minimal_risk",
    ),
    pytest.param(
        {**AI, "role": "provider"},
        "minimal",
        {"art_4_ai_literacy"},
        id="minimal_risk_provider_still_needs_ai_literacy",
    ),
    pytest.param(
        {"is_ai_system": False, "annex_iii_points": ["5a"], "prohibited_practices": ["5_1_c"]},
        "out_of_scope",
        set(),
        id="rule_based_system_is_out_of_scope",
    ),
    pytest.param(
        {},
        "out_of_scope",
        set(),
        id="unanswered_questionnaire_is_out_of_scope",
    ),
    *[
        pytest.param(
            {**BENEFITS, "excluded": exclusion},
            "out_of_scope",
            set(),
            id=f"art_2_exclusion_{exclusion}",
        )
        for exclusion in EXCLUSIONS
    ],
]


@pytest.mark.parametrize(("facts", "risk_class", "obligations"), SCENARIOS)
def test_classification_follows_the_act(
    facts: dict[str, Any], risk_class: str, obligations: set[str]
) -> None:
    classification = classify(facts)

    assert classification.risk_class == risk_class
    assert set(classification.obligations) == obligations


# Where each obligation is grounded; a reason citing it must accompany the obligation.
OBLIGATION_ARTICLES = {
    "art_4_ai_literacy": "Art. 4 ",
    "art_5_prohibited": "Art. 5 ",
    "art_6_4_documentation": "Art. 6 Abs. 4",
    "art_16_provider_obligations": "Art. 16 ",
    "art_23_importer_obligations": "Art. 23 ",
    "art_24_distributor_obligations": "Art. 24 ",
    "art_26_deployer_obligations": "Art. 26 ",
    "art_26_10_post_remote_biometric_identification": "Art. 26 Abs. 10",
    "art_26_11_inform_affected_persons": "Art. 26 Abs. 11",
    "art_53_gpai_model_provider": "Art. 53 ",
    "art_86_explanation": "Art. 86 ",
    "art_27_fria": "Art. 27 ",
    "art_49_registration": "Art. 49 ",
    "art_50_1": "Art. 50 Abs. 1",
    "art_50_2": "Art. 50 Abs. 2",
    "art_50_3": "Art. 50 Abs. 3",
    "art_50_4": "Art. 50 Abs. 4",
}


@pytest.mark.parametrize(("facts", "risk_class", "obligations"), SCENARIOS)
def test_every_obligation_is_explained_by_a_reason_citing_its_article(
    facts: dict[str, Any], risk_class: str, obligations: set[str]
) -> None:
    classification = classify(facts)

    articles = [reason.article for reason in classification.reasons]
    for obligation in classification.obligations:
        assert any(a.startswith(OBLIGATION_ARTICLES[obligation]) for a in articles), obligation
    assert all(reason.text for reason in classification.reasons)


def test_obligation_articles_cover_every_obligation_code() -> None:
    assert set(OBLIGATION_ARTICLES) == set(OBLIGATIONS)


def test_obligations_are_sorted_and_unique() -> None:
    # Art. 49 is due twice here (provider 49(1), deployer 49(3)) but listed once.
    classification = classify({**BENEFITS, **CHATBOT, "role": "provider_and_deployer"})

    assert list(classification.obligations) == sorted(set(classification.obligations))
    assert classification.obligations.count("art_49_registration") == 1


def test_each_prohibited_practice_is_named_with_its_letter() -> None:
    classification = classify({**AI, "prohibited_practices": ["5_1_a", "5_1_h"]})

    articles = [reason.article for reason in classification.reasons]
    assert "Art. 5 Abs. 1 lit. a KI-VO" in articles
    assert "Art. 5 Abs. 1 lit. h KI-VO" in articles


def test_annex_iii_point_is_cited_in_the_reasons() -> None:
    classification = classify(BENEFITS)

    articles = [reason.article for reason in classification.reasons]
    assert "Art. 6 Abs. 2 i. V. m. Anhang III Nr. 5 lit. a KI-VO" in articles


def test_derogation_for_deployer_explains_that_the_provider_documents() -> None:
    classification = classify(DEROGATED_BENEFITS)

    articles = [reason.article for reason in classification.reasons]
    assert "Art. 6 Abs. 3 KI-VO" in articles
    assert "Art. 6 Abs. 4 KI-VO" in articles


def test_profiling_reason_names_the_failed_derogation() -> None:
    classification = classify({**DEROGATED_BENEFITS, "profiles_natural_persons": True})

    derogation_reasons = [r for r in classification.reasons if r.article == "Art. 6 Abs. 3 KI-VO"]
    assert len(derogation_reasons) == 1
    assert "Profiling" in derogation_reasons[0].text


def test_chatbot_deployer_is_told_that_disclosure_is_the_providers_duty() -> None:
    classification = classify(CHATBOT)

    reasons = [r for r in classification.reasons if r.article == "Art. 50 Abs. 1 KI-VO"]
    assert len(reasons) == 1
    assert "Anbieter" in reasons[0].text


def test_critical_infrastructure_deployer_is_told_why_no_fria_is_needed() -> None:
    classification = classify({**AI, "annex_iii_points": ["2"]})

    articles = [reason.article for reason in classification.reasons]
    assert "Art. 27 Abs. 1, Art. 49 Abs. 3 KI-VO" in articles


@pytest.mark.parametrize("point", ["1", "6", "7"])
def test_law_enforcement_migration_and_biometrics_register_non_publicly(point: str) -> None:
    classification = classify({**AI, "annex_iii_points": [point]})

    articles = [reason.article for reason in classification.reasons]
    assert "Art. 49 Abs. 4 KI-VO" in articles


def test_out_of_scope_reason_cites_the_definition_of_an_ai_system() -> None:
    classification = classify({"is_ai_system": False})

    assert [reason.article for reason in classification.reasons] == ["Art. 3 Nr. 1 KI-VO"]


def test_exclusion_reason_cites_its_paragraph_of_article_2() -> None:
    classification = classify({**AI, "excluded": "military_defence_national_security"})

    assert [reason.article for reason in classification.reasons] == ["Art. 2 Abs. 3 KI-VO"]


def test_to_json_has_exactly_the_contract_keys() -> None:
    output = to_json(classify(BENEFITS))

    assert set(output) == {"risk_class", "obligations", "reasons", "rule_set_version", "timeline"}
    assert output["rule_set_version"] == RULE_SET_VERSION == "2026.3"
    assert output["obligations"] == [
        "art_26_11_inform_affected_persons",
        "art_26_deployer_obligations",
        "art_27_fria",
        "art_49_registration",
        "art_4_ai_literacy",
        "art_86_explanation",
    ]
    assert all(set(reason) == {"article", "text"} for reason in output["reasons"])  # type: ignore[attr-defined]
    # It must survive serialisation: lazy translations would not.
    assert json.loads(json.dumps(output)) == output


def test_classify_accepts_parsed_facts() -> None:
    assert classify(parse_facts(BENEFITS)) == classify(BENEFITS)


def test_missing_fields_take_their_defaults() -> None:
    assert parse_facts({}) == Facts()
    assert Facts().role == "deployer"
    assert Facts().is_ai_system is False


def test_duplicates_in_lists_are_ignored() -> None:
    facts = parse_facts({"annex_iii_points": ["5a", "5a"], "art_6_3_conditions": ["a", "a"]})

    assert facts.annex_iii_points == frozenset({"5a"})
    assert facts.art_6_3_conditions == frozenset({"a"})


def test_excluded_accepts_null() -> None:
    assert parse_facts({"excluded": None}).excluded is None


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        pytest.param({"is_ai": True}, "is_ai", id="unknown_field"),
        pytest.param({"is_ai_system": "true"}, "is_ai_system", id="string_for_bool"),
        pytest.param({"is_ai_system": 1}, "is_ai_system", id="number_for_bool"),
        pytest.param({"deep_fake": None}, "deep_fake", id="null_for_bool"),
        pytest.param({"role": "operator"}, "role", id="unknown_role"),
        pytest.param({"role": None}, "role", id="null_role"),
        pytest.param({"excluded": "hobby"}, "excluded", id="unknown_exclusion"),
        pytest.param({"annex_iii_points": "5a"}, "annex_iii_points", id="string_for_list"),
        pytest.param({"annex_iii_points": ["5e"]}, "annex_iii_points", id="unknown_list_value"),
        pytest.param({"annex_iii_points": [5]}, "annex_iii_points", id="number_in_list"),
        pytest.param(
            {"prohibited_practices": ["5_1_i"]}, "prohibited_practices", id="unknown_practice"
        ),
        pytest.param({"art_6_3_conditions": ["e"]}, "art_6_3_conditions", id="unknown_condition"),
    ],
)
def test_invalid_facts_raise_an_error_naming_the_field(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(FactsError) as excinfo:
        parse_facts(raw)

    assert list(excinfo.value.errors) == [field]
    assert field in excinfo.value.errors[field]


def test_unknown_list_value_is_named_in_the_message() -> None:
    with pytest.raises(FactsError) as excinfo:
        parse_facts({"annex_iii_points": ["5a", "9"]})

    assert "„9“" in excinfo.value.errors["annex_iii_points"]


def test_all_invalid_fields_are_reported_at_once() -> None:
    with pytest.raises(FactsError) as excinfo:
        parse_facts({"colour": "red", "is_ai_system": "yes", "role": "user"})

    assert set(excinfo.value.errors) == {"colour", "is_ai_system", "role"}


def test_classify_rejects_invalid_raw_facts() -> None:
    with pytest.raises(FactsError):
        classify({"is_ai_system": "true"})


def test_facts_that_are_not_an_object_are_rejected() -> None:
    with pytest.raises(FactsError) as excinfo:
        parse_facts(["is_ai_system"])  # type: ignore[arg-type]

    assert list(excinfo.value.errors) == [NON_FIELD_ERRORS]


def test_questionnaire_asks_for_every_fact_in_order() -> None:
    # The tree's own bookkeeping (which questions were answered, which with "weiß nicht") is
    # no question.
    asked = tuple(
        name for name in FACT_FIELDS if name not in ORGANISATION_FACTS and name not in TREE_FIELDS
    )
    assert tuple(question.key for question in QUESTIONS) == asked


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("excluded", (None, *EXCLUSIONS)),
        ("role", ROLES),
        ("prohibited_practices", PROHIBITED_PRACTICES),
        ("annex_iii_points", ANNEX_III_POINTS),
        ("art_6_3_conditions", ART_6_3_CONDITIONS),
    ],
)
def test_questionnaire_offers_exactly_the_values_the_engine_accepts(
    key: str, values: tuple[str | None, ...]
) -> None:
    question = next(q for q in QUESTIONS if q.key == key)

    assert tuple(option.value for option in question.options) == values


def test_questionnaire_defaults_match_the_engines_defaults() -> None:
    defaults = Facts()
    for question in QUESTIONS:
        default = question.default
        answer = frozenset(default) if isinstance(default, tuple) else default
        assert answer == getattr(defaults, question.key), question.key


def test_every_question_is_complete_and_cites_the_act() -> None:
    for question in QUESTIONS:
        assert str(question.text).endswith("?"), question.key
        assert str(question.help), question.key
        assert "KI-VO" in question.legal_source, question.key
        assert bool(question.options) == (question.kind in {"choice", "multi"}), question.key
