"""The suitability formula term by term: what the page explains is what the database sorts by."""

import pytest

from maturity import services as maturity_services
from maturity.questionnaires import ASKED_CRITERIA
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
    for version in formula.FORMULAS:
        for term in version.terms:
            assert str(term.source).strip(), term.key
            missing = str(term.missing_text or "nicht angegeben")
            assert term.scale_text().endswith(f"{missing}: {formula.signed(term.missing)}")


def test_a_version_is_never_edited_only_followed_by_a_new_one():
    versions = [f.version for f in formula.FORMULAS]
    assert versions == sorted(set(versions))
    assert [f.valid_from for f in formula.FORMULAS] == sorted(
        f.valid_from for f in formula.FORMULAS
    )
    assert formula.CURRENT is formula.FORMULAS[-1]
    first, second = formula.FORMULAS[0], formula.FORMULAS[1]
    # Version 1 as it was published: seven terms, none for the services' maturity.
    assert [t.key for t in first.terms] == [
        "case_volume",
        "benefit",
        "rule_clarity",
        "input_structure",
        "once_only",
        "effort",
        "risk_class",
    ]
    assert "service_maturity" in second.terms_by_key
    assert set(first.terms_by_key) < set(second.terms_by_key)
    # A use case whose services are at level 5 gains +1,0 in version 2 only.
    inputs = {"yearly_case_volume": 12_000, formula.SERVICE_MATURITY: 5.0}
    assert formula.score(inputs, second) - formula.score(inputs, first) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("level", "points", "text"),
    [
        (7, 1.5, "Stufe 7,0 → +1,5"),
        (6, 1.5, "Stufe 6,0 → +1,5"),
        (4.5, 1.0, "Stufe 4,5 → +1,0"),
        (3.5, 0.5, "Stufe 3,5 → +0,5"),
        (1, 0.0, "Stufe 1,0 → +0,0"),
        (None, 0.0, "keine Leistung bewertet → +0,0"),
    ],
)
def test_the_services_maturity_counts_from_level_two_and_says_when_none_is_assessed(
    level, points, text
):
    term = TERMS["service_maturity"]
    assert term.points(level) == points
    explained = {i.term.key: i for i in formula.explain({formula.SERVICE_MATURITY: level})}
    assert explained["service_maturity"].text == f"Reifegrad der unterstützten Leistungen {text}"


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


def _assess_service(organisation, actor, leika_key, level):
    return maturity_services.record_service_assessment(
        organisation,
        leika_key=leika_key,
        answers={criterion.key: level for criterion in ASKED_CRITERIA},
        use_case_support={},
        actor=actor,
        reason="Test",
    )


def test_the_services_maturity_is_the_mean_of_each_services_latest_level_in_its_organisation(
    board_member, department, foreign_board_member, other_organisation
):
    idea = _idea(board_member, department, "Wohngeld-Vorprüfung")
    registry_services.set_use_case_children(
        idea,
        actor=board_member,
        reason="Leistungen",
        key="public_services",
        rows=[
            {"leika_key": "99107023037000", "name": "Wohngeld"},
            {"leika_key": "99050012104000", "name": "Gewerbe anmelden"},
            {"leika_key": "99008001012000", "name": "Personalausweis"},
        ],
    )

    def maturity():
        scored = selectors.scored(UseCase.objects.filter(pk=idea.pk)).get()
        return getattr(scored, formula.SERVICE_MATURITY)

    assert maturity() is None  # nothing assessed yet: the term is missing, not zero
    organisation = department.organisation
    _assess_service(organisation, board_member, "99107023037000", 2)
    _assess_service(organisation, board_member, "99107023037000", 5)  # the latest counts
    _assess_service(organisation, board_member, "99050012104000", 4)
    # Another organisation's assessment of the third service does not count here.
    _assess_service(other_organisation, foreign_board_member, "99008001012000", 7)
    assert maturity() == pytest.approx(4.5)
    candidate = selectors.scored_use_case(idea)
    by_key = {item.term.key: item for item in candidate.terms}
    assert by_key["service_maturity"].value == "Stufe 4,5"
    assert by_key["service_maturity"].points == 1.0
    assert candidate.formula_version == 2


def test_top_candidates_are_the_best_ideas_only_in_one_query(
    board_member, department, django_assert_num_queries, settings
):
    # Computed every time (tests/portfolio/test_caching.py: kept per version).
    settings.ORGANISATION_CACHE_SECONDS = 0
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
