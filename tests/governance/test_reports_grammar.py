"""The report names an organisation with the article of its kind: "die Stadt", "der Landkreis"."""

import pytest

from governance.reports.grammar import Gender, grammatical_gender


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("Stadt Lindenfeld", Gender.FEMININE),
        ("Gemeinde Musterau", Gender.FEMININE),
        ("Landeshauptstadt Mainz", Gender.FEMININE),
        ("Hansestadt Lübeck", Gender.FEMININE),
        ("Verbandsgemeinde Birkenau-Land", Gender.FEMININE),
        ("Samtgemeinde Elbtal", Gender.FEMININE),
        ("Landkreis Birkenau", Gender.MASCULINE),
        ("Kreis Lippe", Gender.MASCULINE),
        ("Markt Schwaben", Gender.MASCULINE),
        ("Zweckverband Kommunale IT", Gender.MASCULINE),
        ("Bezirk Oberbayern", Gender.MASCULINE),
        ("Amt Hüttener Berge", Gender.NEUTER),
    ],
)
def test_the_first_word_of_the_name_gives_its_gender(name, gender):
    assert grammatical_gender(name) is gender


@pytest.mark.parametrize(
    "name",
    [
        "Lindenfeld",
        "Stadtwerke Lindenfeld",  # a word that only begins like a kind is no kind
        "stadt Lindenfeld",  # the kind is a noun and capitalised
        "Freie und Hansestadt Hamburg",
        "",
        "   ",
    ],
)
def test_a_name_without_a_known_kind_has_no_gender(name):
    assert grammatical_gender(name) is None
