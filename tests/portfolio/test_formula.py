"""The suitability formula term by term: what the page explains is what the database sorts by."""

import pytest

from portfolio import formula, selectors, services
from registry import services as registry_services
from registry.models import UseCase
from tests.conftest import make_use_case

pytestmark = pytest.mark.django_db

TERMS = formula.TERMS_BY_KEY


@pytest.mark.parametrize(
    ("value", "points"),
    [(12_000, 3.0), (10_000, 3.0), (9_999, 2.0), (1_000, 2.0), (100, 1.0), (99, 0.0), (0, 0.0)],
)
def test_case_volume_gives_points_by_power_of_ten(value, points):
    assert TERMS["case_volume"].points(value) == points


def test_the_explanation_names_input_and_points_in_german():
    explained = {item.term.key: item for item in formula.explain({"yearly_case_volume": 12_000})}
    assert explained["case_volume"].text == "Fallzahl 12.000/Jahr → +3,0"
    # Not rated and not classified: the rating terms give nothing, the unknown risk costs.
    assert explained["benefit"].text == "Erwarteter Nutzen nicht angegeben → +0,0"
    assert explained["risk_class"].text == "Risikoklasse (KI-VO) noch nicht eingestuft → −1,0"


@pytest.mark.parametrize(
    ("risk_class", "points"),
    [
        ("prohibited", -10.0),
        ("high_risk", -3.0),
        ("transparency", -0.5),
        ("minimal", 0.0),
        ("", -1.0),
    ],
)
def test_a_prohibited_or_high_risk_idea_costs_more(risk_class, points):
    assert TERMS["risk_class"].points(risk_class) == points


def test_once_only_counts_each_register_up_to_its_cap():
    term = TERMS["once_only"]
    assert [term.points(n) for n in (0, 1, 2, 3, 4)] == [0.0, 0.5, 1.0, 1.5, 1.5]


def test_every_term_has_a_source_and_a_scale_in_words():
    for term in formula.TERMS:
        assert str(term.source).strip(), term.key
        assert "nicht angegeben" in term.scale_text(), term.key


def _idea(actor, department, title, **fields):
    return make_use_case(actor, department, title, status=UseCase.Status.IDEA, **fields)


def test_the_database_computes_the_same_points_as_the_explanation(board_member, department):
    wide = _idea(
        board_member,
        department,
        "Posteingang",
        yearly_case_volume=12_000,
        rule_clarity="high",
        input_structure="medium",
    )
    registry_services.set_use_case_children(
        wide,
        actor=board_member,
        reason="Quellen",
        key="data_sources",
        rows=[
            {"name": "Meldedaten", "register": "Melderegister"},
            {"name": "Meldedaten, Auszug", "register": "Melderegister"},
            {"name": "Gewerbe", "register": "Gewerberegister"},
            {"name": "Antrag", "register": ""},
        ],
    )
    services.rate_candidate(wide, actor=board_member, benefit=4, effort=2)
    bare = _idea(board_member, department, "Leer")
    for use_case in (wide, bare):
        scored = selectors.scored(UseCase.objects.filter(pk=use_case.pk)).get()
        inputs = selectors.inputs_of(scored)
        for term in formula.TERMS:
            expected = term.points(inputs[term.field])
            assert (
                selectors.scored(UseCase.objects.filter(pk=use_case.pk))
                .annotate(check=term.expression())
                .get()
            ).check == pytest.approx(expected), term.key
        assert scored.score == pytest.approx(formula.score(inputs))
    candidate = selectors.scored_use_case(wide)
    by_key = {item.term.key: item for item in candidate.terms}
    # Two distinct registers (the same register twice counts once; a source without one, never).
    assert by_key["once_only"].value == "2 Register"
    assert by_key["once_only"].points == 1.0
    # 3.0 + 3.2 (benefit 4 × 0.8) + 2.0 + 1.0 + 1.0 − 1.2 (effort 2 × 0.6) − 1.0 (unclassified)
    assert candidate.score == pytest.approx(8.0)
    assert candidate.benefit == pytest.approx(6.2)
    assert candidate.feasibility == pytest.approx(1.8)
    assert candidate.formula_version == formula.FORMULA_VERSION


def test_top_candidates_are_the_best_ideas_only_in_one_query(
    board_member, department, django_assert_num_queries
):
    for i, volume in enumerate((50, 5_000, 50_000)):
        _idea(board_member, department, f"Idee {i}", yearly_case_volume=volume)
    make_use_case(
        board_member, department, "Läuft", status=UseCase.Status.PLANNED, yearly_case_volume=10**6
    )
    organisation = department.organisation
    with django_assert_num_queries(1):
        top = selectors.top_candidates(organisation, limit=2)
    assert [c.title for c in top] == ["Idee 2", "Idee 1"]
    assert top[0].terms[0].text == "Fallzahl 50.000/Jahr → +3,0"
    for i in range(20):
        _idea(board_member, department, f"Mehr {i}")
    with django_assert_num_queries(1):
        assert len(selectors.top_candidates(organisation)) == 5
