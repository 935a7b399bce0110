"""Similar published use cases of other organisations, by shared words and technique."""

import pytest
from django.urls import reverse

from registry.publication import publish_use_case
from tests.conftest import make_use_case
from workspace.similarity import significant_words, similar_published_use_cases

pytestmark = pytest.mark.django_db


def test_significant_words_leave_out_short_and_stop_words():
    assert significant_words("Die KI prüft Wohngeldanträge auf Vollständigkeit") == {
        "prüft",
        "wohngeldanträge",
        "vollständigkeit",
    }


@pytest.fixture
def published_elsewhere(foreign_department_head, foreign_department, foreign_ai_system):
    use_case = make_use_case(
        foreign_department_head,
        foreign_department,
        "Wohngeldanträge vorprüfen",
        purpose="Vollständigkeit der Wohngeldanträge prüfen",
        ai_system=foreign_ai_system,
    )
    publish_use_case(use_case, actor=foreign_department_head, reason="Test")
    return use_case


def test_published_use_case_of_another_organisation_is_suggested_with_its_reasons(
    published_elsewhere, organisation
):
    [suggestion] = similar_published_use_cases(
        title="Wohngeldanträge prüfen",
        purpose="Vollständigkeit",
        technique="generative",
        exclude_organisation_ids=[organisation.pk],
    )
    assert suggestion.record.use_case_id == published_elsewhere.pk
    assert suggestion.shared_words == ("prüfen", "vollständigkeit", "wohngeldanträge")
    assert suggestion.same_technique
    # One point per shared word, two for the same technique.
    assert suggestion.score == 5


def test_own_organisation_is_not_suggested(published_elsewhere):
    assert (
        similar_published_use_cases(
            title="Wohngeldanträge prüfen",
            exclude_organisation_ids=[published_elsewhere.organisation_id],
        )
        == []
    )


def test_nothing_in_common_suggests_nothing(published_elsewhere, organisation):
    assert (
        similar_published_use_cases(
            title="Baumkataster pflegen", exclude_organisation_ids=[organisation.pk]
        )
        == []
    )


def test_first_step_shows_suggestions_linking_to_the_public_page(
    client, department_head, use_case, published_elsewhere
):
    client.force_login(department_head)
    response = client.get(reverse("workspace:step", args=[use_case.pk, "grunddaten"]))
    content = response.content.decode()
    assert "Ähnliche Anwendungsfälle anderer Kommunen" in content
    assert f"/anwendungsfaelle/{published_elsewhere.pk}/" in content
