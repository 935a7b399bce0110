"""How a German sentence names an organisation: its article and possessive follow its kind."""

import enum


class Gender(enum.StrEnum):
    FEMININE = "feminine"  # die Stadt … in ihrem Register
    MASCULINE = "masculine"  # der Landkreis … in seinem Register
    NEUTER = "neuter"  # das Amt … in seinem Register


# The first word of an organisation's name is its kind, and the kind's gender is the name's.
_GENDER_OF_KIND = {
    "Stadt": Gender.FEMININE,
    "Gemeinde": Gender.FEMININE,
    "Landeshauptstadt": Gender.FEMININE,
    "Hansestadt": Gender.FEMININE,
    "Verbandsgemeinde": Gender.FEMININE,
    "Samtgemeinde": Gender.FEMININE,
    "Landkreis": Gender.MASCULINE,
    "Kreis": Gender.MASCULINE,
    "Markt": Gender.MASCULINE,
    "Zweckverband": Gender.MASCULINE,
    "Bezirk": Gender.MASCULINE,
    "Amt": Gender.NEUTER,
}


def grammatical_gender(name: str) -> Gender | None:
    """The gender of an organisation's name ("Stadt Lindenfeld": feminine); None when unknown."""
    words = name.split(maxsplit=1)
    return _GENDER_OF_KIND.get(words[0]) if words else None
