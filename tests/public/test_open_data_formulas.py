"""The open-data CSV never hands a spreadsheet a formula (OWASP "CSV Injection")."""

import csv
import io

import pytest

from registry.public.opendata import spreadsheet_safe
from tests.conftest import make_use_case


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_cell_starting_like_a_formula_is_prefixed_with_a_quote(
    client, department_head, department, publish, start
):
    formula = f'{start}HYPERLINK("https://evil.example","x")'
    use_case = make_use_case(
        department_head,
        department,
        formula,
        short_description=formula,
        purpose=formula,
        data_categories=formula,
    )
    publish(use_case)
    body = b"".join(client.get("/daten/register.csv").streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(body))
    for column in ("title", "short_description", "purpose", "data_categories"):
        assert row[column] == "'" + formula
    # Cells that do not start like a formula stay exactly as they are.
    assert row["organisation_ags"] == "05999001"


def test_text_that_merely_contains_a_formula_sign_is_left_alone():
    assert spreadsheet_safe("Kosten = 0 €") == "Kosten = 0 €"
    assert spreadsheet_safe("") == ""
