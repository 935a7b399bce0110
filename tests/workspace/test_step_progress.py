"""The guided form's step list: a state per step in words, a true count, no field asked twice."""

import re

import pytest
from django.urls import reverse

from workspace.steps import STEPS

pytestmark = pytest.mark.django_db


def _step(use_case, slug):
    return reverse("workspace:step", args=[use_case.pk, slug])


def _marks(content):
    """{step title: state} as the step list says it."""
    start = content.index('class="ws-steps"')
    nav = content[start : content.index("</nav>", start)]
    return dict(
        re.findall(
            r'href="[^"]+/schritt/[^"]+/"[^>]*>([^<]+?) <span class="ws-step__state">\(([^)]+)\)',
            nav,
        )
    )


def test_each_step_says_how_far_it_is(client, department_head, use_case):
    client.force_login(department_head)
    client.post(
        _step(use_case, "rechtsgrundlage"),
        {
            "legal_basis_explanation": "Die Vorprüfung stützt sich auf das WoGG.",
            "legal_bases-TOTAL_FORMS": "1",
            "legal_bases-INITIAL_FORMS": "0",
            "action": "save",
        },
    )
    marks = _marks(client.get(_step(use_case, "grunddaten")).content.decode())
    assert marks["Grunddaten"] == "erledigt"
    # Begun, but without a legal basis a reviewer would send it back: not "erledigt".
    assert marks["Rechtsgrundlage"] == "unvollständig"
    assert marks["Menschliche Aufsicht"] == "noch offen"
    assert len(marks) == len(STEPS)


def test_a_step_posted_with_errors_says_so_in_words(client, department_head, use_case):
    client.force_login(department_head)
    response = client.post(
        _step(use_case, "folgenabschaetzungen"),
        {
            "dpia_status": "not_needed",
            "fria_status": "open",
            "security_concept_status": "open",
            "action": "next",
        },
    )
    assert response.status_code == 400
    assert _marks(response.content.decode())["Folgenabschätzungen"] == "enthält Fehler"


def test_the_count_matches_the_numbered_entries(client, department_head, use_case):
    client.force_login(department_head)
    content = client.get(_step(use_case, "daten")).content.decode()
    start = content.index('class="ws-steps"')
    nav = content[start : content.index("</nav>", start)]
    numbered = nav[nav.index("<ol") : nav.index("</ol>")]
    assert numbered.count("<li") == len(STEPS)
    assert f"Schritt 4 von {len(STEPS)}" in content
    # The summary follows the numbered steps, it is not counted as one.
    assert "Zusammenfassung und Einreichen" in nav and "Zusammenfassung" not in numbered
    assert re.search(rf"\d+ von {len(STEPS)} Schritten erledigt", content)


def test_department_and_responsible_role_are_asked_on_the_first_step_only(
    client, department_head, use_case
):
    client.force_login(department_head)
    first = client.get(reverse("workspace:create")).content.decode()
    assert 'name="department"' in first and 'name="responsible_role"' in first
    second = client.get(_step(use_case, "verantwortung")).content.decode()
    assert 'name="department"' not in second and 'name="responsible_role"' not in second
    assert 'name="technical_contact"' in second
    edit_first = client.get(_step(use_case, "grunddaten")).content.decode()
    assert edit_first.count('name="department"') == 1
