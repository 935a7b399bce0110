"""The claims preview parses what a board member pastes within the same bounds as the API."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
PREVIEW_URL = reverse("admin:accounts_claimmappingrule_preview")


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_claims_are_a_form_error_not_a_server_error(client, board_member, depth):
    client.force_login(board_member)
    claims = '{"groups": ' + "[" * depth + "]" * depth + "}"
    response = client.post(PREVIEW_URL, {"claims": claims})
    assert response.status_code == 200
    assert "zu tief verschachtelt" in response.content.decode()


def test_claims_with_nan_are_refused_as_invalid_json(client, board_member):
    client.force_login(board_member)
    response = client.post(PREVIEW_URL, {"claims": '{"groups": NaN}'})
    assert "kein gültiges JSON" in response.content.decode()
