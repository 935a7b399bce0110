"""Building a public history on chosen days for the transparency report tests."""

import contextlib
import datetime
from collections.abc import Iterator
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from governance import services
from registry.models import UseCase

BERLIN = ZoneInfo("Europe/Berlin")


def moment(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@contextlib.contextmanager
def at(when: datetime.datetime) -> Iterator[None]:
    """Let every timezone.now() (services, auto_now fields, history rows) return this moment."""
    with mock.patch("django.utils.timezone.now", return_value=when.astimezone(datetime.UTC)):
        yield


def approve(use_case: UseCase, *, head: Any, iso: Any, board: Any, when: datetime.datetime) -> None:
    """Classify, submit, sign off and approve a use case on one day: it becomes public then."""
    with at(when):
        services.classify_use_case(use_case, actor=head, facts={"is_ai_system": True})
        services.submit_use_case(use_case, actor=head)
        services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
        services.decide_use_case(
            use_case, actor=board, outcome="approved", rationale="Nutzen belegt"
        )


def reject(use_case: UseCase, *, head: Any, iso: Any, board: Any, when: datetime.datetime) -> None:
    with at(when):
        services.classify_use_case(use_case, actor=head, facts={"is_ai_system": True})
        services.submit_use_case(use_case, actor=head)
        services.sign_off_use_case(use_case, actor=iso, role="iso", verdict="agree")
        services.decide_use_case(
            use_case, actor=board, outcome="rejected", rationale="Vertraulicher Grund XYZ"
        )
