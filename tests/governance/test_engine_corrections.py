"""Scenarios from the Act for the corrections of rule set 2026.2, each citing its provision."""

from typing import Any

from governance.models import ObligationItem
from governance.risk import classify
from governance.risk.engine import OBLIGATIONS

AI: dict[str, Any] = {"is_ai_system": True}
BENEFITS = {**AI, "annex_iii_points": ["5a"]}


def obligations(facts: dict[str, Any]) -> set[str]:
    return set(classify(facts).obligations)


def articles(facts: dict[str, Any]) -> list[str]:
    return [reason.article for reason in classify(facts).reasons]


# -- Art. 5(1)(h): use, not supply ---------------------------------------------------------------


def test_art_5_1_h_bans_the_use_of_real_time_remote_biometric_identification() -> None:
    # Art. 5(1)(h): "the use of 'real-time' remote biometric identification systems".
    result = classify({**AI, "prohibited_practices": ["5_1_h"]})
    assert result.risk_class == "prohibited"


def test_a_provider_only_supplying_it_is_high_risk_under_annex_iii_point_1() -> None:
    # Art. 5(1)(h) does not ban placing on the market; Annex III 1(a) makes the system high-risk,
    # so the provider owes Art. 16 and the Art. 49(1) registration.
    result = classify({**AI, "role": "provider", "prohibited_practices": ["5_1_h"]})

    assert result.risk_class == "high_risk"
    assert {"art_16_provider_obligations", "art_49_registration"} <= set(result.obligations)
    assert "art_5_prohibited" not in result.obligations
    assert "Art. 5 Abs. 1 lit. h KI-VO" in [r.article for r in result.reasons]


def test_points_a_to_g_still_ban_supply() -> None:
    # Art. 5(1)(a)-(g): "the placing on the market, the putting into service or the use".
    assert classify({**AI, "role": "provider", "prohibited_practices": ["5_1_e"]}).risk_class == (
        "prohibited"
    )


# -- Art. 50(4): own use decides -----------------------------------------------------------------


def test_an_organisation_publishing_deep_fakes_owes_art_50_4_as_provider_too() -> None:
    # Art. 50(4) UAbs. 1 binds deployers; publishing them itself makes the organisation one
    # (Art. 3 Nr. 4), even when it answered "provider" because it also supplies the system.
    assert "art_50_4" in obligations({**AI, "role": "provider", "deep_fake": True})


def test_unreviewed_public_interest_texts_owe_art_50_4_whatever_the_role() -> None:
    # Art. 50(4) UAbs. 2.
    facts = {**AI, "role": "provider", "public_interest_text_without_editorial_review": True}
    assert "art_50_4" in obligations(facts)


# -- Art. 6(3): the opening condition first ------------------------------------------------------


def test_a_derogation_without_the_opening_condition_leaves_the_system_high_risk() -> None:
    # Art. 6(3) UAbs. 1: not high-risk only "where it does not pose a significant risk of harm
    # ... including by not materially influencing the outcome of decision making".
    facts = {**BENEFITS, "art_6_3_conditions": ["d"]}

    assert classify(facts).risk_class == "high_risk"
    assert "Art. 6 Abs. 3 UAbs. 1 KI-VO" in articles(facts)


def test_the_opening_condition_with_a_derogation_lifts_high_risk() -> None:
    # Art. 6(3) UAbs. 1 and UAbs. 2 lit. d.
    facts = {**BENEFITS, "art_6_3_no_significant_risk": True, "art_6_3_conditions": ["d"]}
    assert classify(facts).risk_class == "minimal"


def test_the_opening_condition_alone_is_no_derogation() -> None:
    # Art. 6(3) UAbs. 2: one of the conditions (a)-(d) must also be fulfilled.
    facts = {**BENEFITS, "art_6_3_no_significant_risk": True}
    assert classify(facts).risk_class == "high_risk"


def test_profiling_still_overrides_a_complete_derogation() -> None:
    # Art. 6(3) UAbs. 3.
    facts = {
        **BENEFITS,
        "art_6_3_no_significant_risk": True,
        "art_6_3_conditions": ["a"],
        "profiles_natural_persons": True,
    }
    assert classify(facts).risk_class == "high_risk"


# -- Art. 25(1)(c): a general-purpose system put to an Annex III use -----------------------------


def test_a_general_purpose_assistant_put_to_a_benefits_decision_makes_the_town_a_provider() -> None:
    # Art. 25(1)(c): modifying the intended purpose of a general-purpose AI system so that it
    # becomes high-risk makes the deployer a provider under Art. 16.
    facts = {**BENEFITS, "general_purpose_system_put_to_high_risk_use": True}

    assert {"art_16_provider_obligations", "art_26_deployer_obligations"} <= obligations(facts)
    assert "Art. 25 Abs. 1 lit. c KI-VO" in articles(facts)


def test_without_a_high_risk_use_the_general_purpose_answer_changes_nothing() -> None:
    facts = {**AI, "general_purpose_system_put_to_high_risk_use": True}
    assert "art_16_provider_obligations" not in obligations(facts)


# -- Art. 3(39): emotion recognition is biometric; Annex III 1(b) only for sensitive traits ------


def test_emotion_recognition_from_biometric_data_is_high_risk_with_art_50_3() -> None:
    # Art. 3(39), Annex III 1(c), Art. 50(3).
    result = classify({**AI, "emotion_recognition": True})

    assert result.risk_class == "high_risk"
    assert "art_50_3" in result.obligations


def test_text_sentiment_analysis_is_no_emotion_recognition() -> None:
    # Art. 3(39): "on the basis of their biometric data"; a text classifier answers no to it.
    assert classify({**AI, "generates_synthetic_content": False}).risk_class == "minimal"


def test_biometric_categorisation_by_non_sensitive_traits_is_only_transparency() -> None:
    # Art. 50(3) applies; Annex III 1(b) requires sensitive or protected attributes.
    result = classify({**AI, "emotion_recognition_or_biometric_categorisation": True})

    assert result.risk_class == "transparency"
    assert "art_50_3" in result.obligations


def test_biometric_categorisation_by_sensitive_traits_is_high_risk() -> None:
    # Annex III 1(b).
    assert classify({**AI, "biometric_categorisation_sensitive": True}).risk_class == "high_risk"


# -- missing obligation codes --------------------------------------------------------------------


def test_an_annex_iii_deployer_owes_art_86_and_art_26_11() -> None:
    # Art. 86(1): explanation of individual decisions; Art. 26(11): inform affected persons.
    assert {"art_86_explanation", "art_26_11_inform_affected_persons"} <= obligations(BENEFITS)


def test_critical_infrastructure_has_no_art_86_duty() -> None:
    # Art. 86(1) excludes systems listed under Annex III point 2.
    facts = {**AI, "annex_iii_points": ["2"]}
    assert "art_86_explanation" not in obligations(facts)
    assert "art_26_11_inform_affected_persons" in obligations(facts)


def test_post_remote_biometric_identification_needs_an_authorisation() -> None:
    # Art. 26(10).
    facts = {**AI, "post_remote_biometric_identification": True}
    assert "art_26_10_post_remote_biometric_identification" in obligations(facts)
    assert classify(facts).risk_class == "high_risk"  # Annex III 1(a)


def test_fine_tuning_a_model_and_giving_it_to_others_owes_art_53() -> None:
    # Art. 53(1), applying since 2 August 2025 (Art. 113 UAbs. 3 lit. b).
    result = classify({**AI, "provides_general_purpose_model": True})
    assert "art_53_gpai_model_provider" in result.obligations
    timing = next(t for t in result.timeline if t.obligation == "art_53_gpai_model_provider")
    assert timing.route == "gpai_models"


def test_an_it_service_provider_importing_a_vendor_system_owes_art_23() -> None:
    # Art. 23: importers of high-risk AI systems.
    assert "art_23_importer_obligations" in obligations({**BENEFITS, "role": "importer"})
    assert "art_26_deployer_obligations" not in obligations({**BENEFITS, "role": "importer"})


def test_an_it_service_provider_passing_a_system_on_owes_art_24() -> None:
    # Art. 24: distributors of high-risk AI systems.
    assert "art_24_distributor_obligations" in obligations({**BENEFITS, "role": "distributor"})


def test_annex_i_section_b_is_high_risk_without_chapter_iii_duties() -> None:
    # Art. 2(2): for Annex I Section B only Art. 6(1), 102-109 and 112 apply.
    result = classify({**AI, "annex_i_section_b": True})

    assert result.risk_class == "high_risk"
    assert set(result.obligations) == {"art_4_ai_literacy"}


# -- texts ---------------------------------------------------------------------------------------


def test_art_4_reads_as_amended() -> None:
    # Art. 4 as amended by Art. 1 Nr. 5 VO (EU) 2026/1744: measures, no guaranteed level.
    reason = next(r for r in classify(AI).reasons if r.article.startswith("Art. 4"))
    assert "Maßnahmen" in reason.text
    assert "2026/1744" in reason.article


def test_art_49_registration_is_not_labelled_eu_database_only() -> None:
    # Art. 49(5): Annex III point 2 systems are registered at national level.
    label = str(ObligationItem.Obligation.ART_49_REGISTRATION.label)
    assert "national" in label


def test_every_engine_obligation_has_an_item_label() -> None:
    assert set(OBLIGATIONS) <= set(ObligationItem.Obligation.values)
