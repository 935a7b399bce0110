import datetime
from typing import Any

import pytest
from django.utils import timezone

from governance import services as governance
from portfolio import services
from registry.models import UseCase


def operate(use_case: UseCase, *, head: Any, board: Any, iso: Any) -> UseCase:
    """Take a use case through review into operation, started 200 days ago."""
    governance.change_use_case(
        use_case,
        actor=head,
        reason="Start",
        start_date=timezone.localdate() - datetime.timedelta(days=200),
    )
    governance.classify_use_case(use_case, actor=head, facts={"is_ai_system": True})
    governance.submit_use_case(use_case, actor=head)
    governance.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
    governance.decide_use_case(use_case, actor=board, outcome="approved", rationale="passt")
    governance.put_into_operation(use_case, actor=board, reason="Start")
    use_case.refresh_from_db()
    return use_case


def measure(use_case: UseCase, actor: Any, kind: str, phase: str, days_ago: int, value: str) -> Any:
    end = timezone.localdate() - datetime.timedelta(days=days_ago)
    return services.record_measurement(
        use_case,
        actor=actor,
        indicator=kind,
        phase=phase,
        period_start=end - datetime.timedelta(days=30),
        period_end=end,
        value=value,
        source="Fachverfahren",
    )


@pytest.fixture
def running(use_case, department_head, board_member, iso):
    return operate(use_case, head=department_head, board=board_member, iso=iso)
