"""The risk questionnaire's decision tree (governance.risk.tree): which questions a path asks,
where it ends, what "weiß nicht" leaves open, each branch with the provision it follows."""

import dataclasses
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.risk import FactsError, classify, engine, parse_facts
from governance.risk.engine import Facts
from governance.risk.questions import QUESTIONS
from governance.risk.tree import NODES, walk

# A deployer that answered "no" to everything after confirming an AI system (Art. 3(1)).
BASE = {"is_ai_system": True, "excluded": None, "role": "deployer"}


def _tree(answers, unknown=()):
    """Facts as the tree stores them: only what was answered counts as answered."""
    raw = {**answers, "unknown": list(unknown)}
    raw["answered"] = sorted({*answers, *unknown})
    return parse_facts(raw)


def _finish(answers, unknown=()):
    """Answer every question the tree asks, "no" (false, none, empty) unless given."""
    given_ = dict(answers)
    for _ in NODES:
        path = walk(_tree(given_, unknown))
        if path.current is None:
            return path, _tree(given_, unknown)
        key = path.current.key
        given_[key] = dataclasses.asdict(Facts())[key] if key != "excluded" else None
        if isinstance(given_[key], frozenset):
            given_[key] = []
    raise AssertionError("the tree did not end")


def _asked(path):
    return [step.key for step in path.steps]


def test_every_question_is_a_node_of_the_tree_once():
    # Stored answers keep their question ids: the tree adds none and loses none.
    assert [node.key for node in NODES].count("is_ai_system") == 1
    assert {node.key for node in NODES} == {question.key for question in QUESTIONS}
    assert len(NODES) == len(QUESTIONS)


def test_a_fresh_tree_asks_whether_it_is_an_ai_system_and_says_not_yet_classified():
    facts = _tree({})
    assert walk(facts).current.key == "is_ai_system"
    result = classify(facts)
    # No verdict before an answer: "not an AI system" would be one nobody gave.
    assert result.risk_class == "undetermined"
    assert result.obligations == ()
    assert result.reasons[0].article == "Art. 3 Nr. 1 KI-VO"
    assert "Noch nicht eingestuft" in result.reasons[0].text


def test_art_3_1_not_an_ai_system_ends_the_tree_at_the_first_question():
    path, facts = _finish({"is_ai_system": False})
    assert _asked(path) == ["is_ai_system"]
    assert path.steps[0].ends
    assert path.steps[0].consequences[0].article == "Art. 3 Nr. 1 KI-VO"
    assert classify(facts).risk_class == "out_of_scope"


def test_art_2_3_an_excluded_purpose_ends_the_tree():
    path, facts = _finish({"is_ai_system": True, "excluded": "military_defence_national_security"})
    assert _asked(path) == ["is_ai_system", "excluded"]
    assert path.steps[-1].consequences[0].article == "Art. 2 Abs. 3 KI-VO"
    assert classify(facts).risk_class == "out_of_scope"


def test_art_5_1_a_prohibited_practice_ends_the_tree_before_any_high_risk_question():
    path, facts = _finish({**BASE, "prohibited_practices": ["5_1_c"]})
    assert _asked(path)[-1] == "prohibited_practices"
    assert "annex_iii_points" not in _asked(path)
    assert path.steps[-1].ends
    assert "Art. 5 Abs. 1 lit. c KI-VO" in [r.article for r in path.steps[-1].consequences]
    result = classify(facts)
    assert result.risk_class == "prohibited"
    assert result.obligations == ("art_5_prohibited",)


def test_art_5_1_h_supplying_real_time_identification_goes_on_as_annex_iii_point_1():
    # Only the use is prohibited; a provider supplying it places a high-risk system on the market.
    path, facts = _finish({**BASE, "role": "provider", "prohibited_practices": ["5_1_h"]})
    assert not path.steps[3].ends
    assert "annex_iii_points" in _asked(path)
    assert "art_6_3_no_significant_risk" in _asked(path)
    assert classify(facts).risk_class == "high_risk"


def test_art_6_1_annex_i_section_b_is_asked_only_without_a_section_a_product():
    with_a, facts = _finish({**BASE, "annex_i_safety_component": True})
    assert "annex_i_section_b" not in _asked(with_a)
    assert classify(facts).risk_class == "high_risk"
    without_a, _facts = _finish(BASE)
    assert "annex_i_section_b" in _asked(without_a)


def test_art_6_2_annex_iii_opens_the_art_6_3_questions_step_by_step():
    minimal, _facts = _finish(BASE)
    assert "art_6_3_no_significant_risk" not in _asked(minimal)
    high, facts = _finish({**BASE, "annex_iii_points": ["5a"]})
    asked = _asked(high)
    # Art. 6(3) first subparagraph is asked; the derogations only once it is affirmed.
    assert "art_6_3_no_significant_risk" in asked
    assert "art_6_3_conditions" not in asked
    assert "profiles_natural_persons" not in asked
    # Art. 25(1)(c) matters only for a system that stays high-risk.
    assert "general_purpose_system_put_to_high_risk_use" in asked
    result = classify(facts)
    assert result.risk_class == "high_risk"
    assert "art_27_fria" in result.obligations
    step = next(s for s in high.steps if s.key == "annex_iii_points")
    assert "Art. 6 Abs. 2 i. V. m. Anhang III Nr. 5 lit. a KI-VO" in [
        r.article for r in step.consequences
    ]


def test_art_6_3_exception_lifts_high_risk_unless_the_system_profiles_people():
    claims = {
        **BASE,
        "annex_iii_points": ["5a"],
        "art_6_3_no_significant_risk": True,
        "art_6_3_conditions": ["d"],
    }
    derogated, facts = _finish(claims)
    assert "profiles_natural_persons" in _asked(derogated)
    # Not high-risk any more, so Art. 25(1)(c) cannot make the deployer a provider.
    assert "general_purpose_system_put_to_high_risk_use" not in _asked(derogated)
    assert classify(facts).risk_class == "minimal"
    # Art. 6(3) third subparagraph: profiling is always high-risk.
    _path, profiling = _finish({**claims, "profiles_natural_persons": True})
    assert classify(profiling).risk_class == "high_risk"


def test_art_50_deep_fakes_are_asked_only_of_a_system_that_generates_content():
    plain, _facts = _finish({**BASE, "interacts_with_natural_persons": True})
    assert "deep_fake" not in _asked(plain)
    assert "public_interest_text_without_editorial_review" not in _asked(plain)
    assert classify(_facts).risk_class == "transparency"
    generating, facts = _finish({**BASE, "generates_synthetic_content": True, "deep_fake": True})
    assert "deep_fake" in _asked(generating)
    assert "art_50_4" in classify(facts).obligations


def test_art_50_3_is_not_asked_again_once_emotion_recognition_is_affirmed():
    path, facts = _finish({**BASE, "emotion_recognition": True})
    assert "emotion_recognition_or_biometric_categorisation" not in _asked(path)
    result = classify(facts)
    # Annex III 1(c) and the deployer's duty to inform under Art. 50(3).
    assert result.risk_class == "high_risk"
    assert "art_50_3" in result.obligations


def test_art_111_2_the_market_date_is_asked_only_where_a_date_depends_on_it():
    minimal, _facts = _finish(BASE)
    assert "placed_on_market_on" not in _asked(minimal)
    high, _facts = _finish({**BASE, "annex_iii_points": ["4"]})
    assert "placed_on_market_on" in _asked(high)
    # Not yet in use: no transitional period, so the design change does not matter.
    assert "significant_design_change" not in _asked(high)
    legacy, facts = _finish(
        {**BASE, "annex_iii_points": ["4"], "placed_on_market_on": "2025-03-01"}
    )
    assert "significant_design_change" in _asked(legacy)
    fria = next(t for t in classify(facts).timeline if t.obligation == "art_27_fria")
    assert fria.applies_from == datetime.date(2030, 8, 2)


def test_weiss_nicht_leaves_the_class_open_with_the_question_as_a_to_do():
    path, facts = _finish(BASE, unknown=["annex_iii_points"])
    # The walk goes on, so the questions after it can be answered meanwhile.
    assert path.complete
    assert "interacts_with_natural_persons" in _asked(path)
    assert [q.key for q in path.open_questions] == ["annex_iii_points"]
    result = classify(facts)
    assert result.risk_class == "undetermined"
    assert result.obligations == ()
    assert result.timeline == ()
    assert [r.article for r in result.reasons] == ["Art. 6 Abs. 2, Anhang III KI-VO"]
    assert "weiß nicht" in result.reasons[0].text


def test_weiss_nicht_on_the_ai_system_question_keeps_asking_and_stays_open():
    path, facts = _finish({}, unknown=["is_ai_system"])
    assert "prohibited_practices" in _asked(path)
    assert classify(facts).risk_class == "undetermined"


def test_weiss_nicht_on_a_question_the_path_skips_does_not_count():
    # Section B is not asked once the product is under Section A (Art. 6(1)).
    _path, facts = _finish({**BASE, "annex_i_safety_component": True}, unknown=[])
    facts = dataclasses.replace(facts, unknown=frozenset({"annex_i_section_b"}))
    assert classify(facts).risk_class == "high_risk"


def test_answers_stored_before_the_tree_are_classified_as_before():
    for answers in (
        {"is_ai_system": True},
        {"is_ai_system": True, "annex_iii_points": ["5a"], "deep_fake": True},
        {
            "is_ai_system": True,
            "prohibited_practices": ["5_1_f"],
            "interacts_with_natural_persons": True,
        },
        {"is_ai_system": False, "annex_iii_points": ["5a"]},
    ):
        facts = parse_facts(answers)
        assert facts.answered is None
        assert classify(facts) == engine.classify(facts)
        assert walk(facts).complete


def test_unknown_question_ids_are_refused():
    with pytest.raises(FactsError) as error:
        parse_facts({"unknown": ["is_ai_sytem"]})
    assert "unknown" in error.value.errors


# -- a skipped question cannot matter -------------------------------------------------------

_BOOLS = [q.key for q in QUESTIONS if q.kind == "bool"]


def _values():
    return st.fixed_dictionaries(
        {
            **{key: st.booleans() for key in _BOOLS},
            "excluded": st.sampled_from([None, None, None, *engine.EXCLUSIONS]),
            "role": st.sampled_from(engine.ROLES),
            "prohibited_practices": st.sets(
                st.sampled_from(engine.PROHIBITED_PRACTICES), max_size=1
            )
            | st.just(set()),
            "annex_iii_points": st.sets(st.sampled_from(engine.ANNEX_III_POINTS), max_size=2),
            "art_6_3_conditions": st.sets(st.sampled_from(engine.ART_6_3_CONDITIONS), max_size=2),
            "placed_on_market_on": st.sampled_from([None, "2024-06-01", "2029-01-01"]),
            "deployer_legal_form": st.sampled_from(engine.LEGAL_FORMS),
        }
    )


def _other(key, value):
    if isinstance(value, bool):
        return not value
    alternatives = {
        "excluded": [None, "scientific_research"],
        "role": ["deployer", "provider"],
        "prohibited_practices": [frozenset(), frozenset({"5_1_c"})],
        "annex_iii_points": [frozenset(), frozenset({"5a"})],
        "art_6_3_conditions": [frozenset(), frozenset({"d"})],
        "placed_on_market_on": [None, datetime.date(2024, 6, 1)],
    }[key]
    return alternatives[1] if value == alternatives[0] else alternatives[0]


def _outcome(result):
    return result.risk_class, result.obligations, result.timeline


@settings(max_examples=300, deadline=None)
@given(_values())
def test_a_question_the_tree_skips_cannot_change_the_classification(values):
    is_ai = values.pop("is_ai_system")
    facts = parse_facts({**values, "is_ai_system": is_ai, "unknown": []})
    # Answers the tree cannot give: a "yes" whose premise is "no" (a deep fake that is no
    # generated content). The engine reads such a "yes" as its premise too (an API client may
    # send it), which would make a question on the premise's branch matter.
    for node in NODES:
        if node.implies and getattr(facts, node.key) and not getattr(facts, node.implies):
            facts = dataclasses.replace(facts, **{node.key: False})
    path = walk(facts)
    asked = _asked(path)
    for node in NODES:
        if node.key in asked:
            continue
        # A "yes" here would contradict an earlier "no" (a deep fake is generated content).
        if node.implies and not getattr(facts, node.implies):
            continue
        flipped = dataclasses.replace(
            facts, **{node.key: _other(node.key, getattr(facts, node.key))}
        )
        assert _asked(walk(flipped)) == asked, node.key
        assert _outcome(engine.classify(flipped)) == _outcome(engine.classify(facts)), node.key
