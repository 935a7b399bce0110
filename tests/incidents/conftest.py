import datetime
from typing import Any

import pytest
from django.utils import timezone

from incidents import services
from incidents.models import Incident
from registry.models import UseCase
from tests.governance.conftest import smtp_server, wait_for  # noqa: F401 -- fixtures for this dir

BERLIN = datetime.timezone(datetime.timedelta(hours=1))


def make_incident(use_case: UseCase, actor: Any, **fields: Any) -> Incident:
    values: dict[str, Any] = {
        "title": "Falsche Vorschläge",
        "description": "Das System schlug für 40 Anträge die Ablehnung vor.",
        "aware_at": timezone.now() - datetime.timedelta(hours=1),
        **fields,
    }
    return services.record_incident(use_case, actor=actor, **values)


@pytest.fixture
def serious_incident(use_case: UseCase, department_head: Any) -> Incident:
    return make_incident(use_case, department_head, effect=Incident.Effect.SERIOUS)


@pytest.fixture
def data_incident(use_case: UseCase, department_head: Any) -> Incident:
    return make_incident(use_case, department_head, personal_data_involved=True)
