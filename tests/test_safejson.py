"""The bounded JSON parser: refuses what would exhaust the stack or the time, parses the rest."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import safejson

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30,
)


@given(JSON_VALUES)
def test_every_document_within_the_bounds_parses_as_the_standard_parser_does(value):
    text = json.dumps(value)
    assert safejson.loads(text) == json.loads(text)


@pytest.mark.parametrize("depth", [safejson.MAX_DEPTH + 1, 10_000, 1_000_000])
def test_nesting_beyond_the_bound_is_refused_at_any_depth(depth):
    with pytest.raises(safejson.JSONTooComplex):
        safejson.loads("[" * depth + "]" * depth)


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"pattern": "[" * 500 + "{" * 500})
    assert safejson.loads(text) == {"pattern": "[" * 500 + "{" * 500}


def test_escaped_quotes_do_not_end_a_string_early():
    text = json.dumps(['\\"' + "[" * 100])
    assert safejson.loads(text) == ['\\"' + "[" * 100]


def test_too_many_values_are_refused():
    with pytest.raises(safejson.JSONTooComplex):
        safejson.loads(json.dumps(list(range(safejson.MAX_VALUES + 1))))


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_constants_are_refused(constant):
    with pytest.raises(ValueError, match=constant):
        safejson.loads(f'{{"x": {constant}}}')
