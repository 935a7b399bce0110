"""Persona × page for the interop pages in the workspace: the status each persona gets.

Refused personas get 404 (missing and not-yours look alike), anonymous ones the login."""

import pytest
from django.urls import reverse

from interop.models import ImportJob
from interop.services import adopt_use_case

PERSONAS = (
    "anonymous",
    "outsider",
    "department_head",
    "other_department_head",
    "dpo",
    "auditor",
    "board_member",
    "foreign_department_head",
    "foreign_board_member",
)


def _row(*codes: int) -> dict[str, int]:
    return dict(zip(PERSONAS, codes, strict=True))


EXPECTED = {
    # Whoever may register a use case somewhere; reviewers and auditors may not.
    "import": _row(302, 404, 200, 200, 404, 404, 200, 200, 200),
    # The department head's own job: nobody else's.
    "import_job": _row(302, 404, 200, 404, 404, 404, 404, 404, 404),
    # Birkenau's adopted use case: who may change it there.
    "source_changes": _row(302, 404, 404, 404, 404, 404, 404, 200, 200),
}


@pytest.fixture
def urls(published_register, department_head, foreign_department_head, foreign_department):
    job = ImportJob.objects.create(requested_by=department_head, file_name="x.csv", total_rows=3)
    adopted = adopt_use_case(
        published_register[0], actor=foreign_department_head, department=foreign_department
    )
    return {
        "import": reverse("interop:import"),
        "import_job": reverse("interop:import_job", args=[job.pk]),
        "source_changes": reverse("interop:source_changes", args=[adopted.pk]),
    }


def test_every_persona_gets_the_expected_status_on_every_interop_page(request, client, urls):
    actual: dict[str, dict[str, int]] = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        for page, url in urls.items():
            actual.setdefault(page, {})[persona] = client.get(url).status_code
    assert actual == EXPECTED
