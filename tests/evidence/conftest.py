"""Evidence fixtures: a document on the department head's use case."""

import datetime

import pytest

from accounts.models import User
from evidence import services
from evidence.models import Document
from registry.models import UseCase
from tests.evidence import files
from tests.governance.conftest import (  # noqa: F401 - fixtures used by the evidence tests
    classified_use_case,
    signed_use_case,
    submitted_use_case,
)

EVIDENCE_DATE = datetime.date(2026, 11, 2)


def attach(
    actor: User, kind: str, target_id: int, content: bytes | None = None, **fields
) -> Document:
    defaults = {
        "title": "DSFA Wohngeld",
        "category": Document.Category.DPIA,
        "file_name": "dsfa.pdf",
        "evidence_date": EVIDENCE_DATE,
        "reason": "DSFA abgeschlossen",
    }
    defaults.update(fields)
    return services.attach_document(
        actor=actor,
        target_kind=kind,
        target_id=target_id,
        file=files.upload(content or files.pdf(), defaults["file_name"]),
        **defaults,
    )


@pytest.fixture
def document(use_case: UseCase, department_head: User) -> Document:
    return attach(department_head, "use_case", use_case.pk)
