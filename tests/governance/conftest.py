"""Governance fixtures: facts for each risk class and use cases at each step of the workflow."""

from typing import Any

import pytest

from accounts.models import Membership, User
from governance import services
from registry.models import UseCase
from tests.conftest import make_person

MINIMAL = {"is_ai_system": True}
TRANSPARENCY = {"is_ai_system": True, "interacts_with_natural_persons": True}
HIGH_RISK = {"is_ai_system": True, "annex_iii_points": ["5a"], "profiles_natural_persons": True}


@pytest.fixture
def second_board_member(organisation) -> User:
    return make_person("board2", organisation, Membership.Role.BOARD)


@pytest.fixture
def classified_use_case(use_case: UseCase, department_head: User) -> UseCase:
    services.classify_use_case(use_case, actor=department_head, facts=MINIMAL)
    use_case.refresh_from_db()
    return use_case


@pytest.fixture
def submitted_use_case(classified_use_case: UseCase, department_head: User) -> UseCase:
    services.submit_use_case(classified_use_case, actor=department_head, note="Bitte prüfen")
    classified_use_case.refresh_from_db()
    return classified_use_case


@pytest.fixture
def signed_use_case(submitted_use_case: UseCase, iso: User) -> UseCase:
    """Submitted and signed off by the ISO, the only reviewer needed without personal data."""
    services.sign_off_use_case(submitted_use_case, actor=iso, role="iso", verdict="agree")
    submitted_use_case.refresh_from_db()
    return submitted_use_case


@pytest.fixture
def approved_use_case(signed_use_case: UseCase, board_member: User) -> UseCase:
    services.decide_use_case(
        signed_use_case, actor=board_member, outcome="approved", rationale="Nutzen belegt"
    )
    signed_use_case.refresh_from_db()
    return signed_use_case


def reload(use_case: UseCase) -> UseCase:
    return UseCase.objects.get(pk=use_case.pk)


class RecordingHandler:
    """An aiosmtpd handler that keeps every message that arrives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """A real SMTP server on 127.0.0.1 that records what arrives; Django sends to it over SMTP."""
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield handler
    finally:
        controller.stop()


def wait_for(condition: Any, *, timeout: float = 30) -> None:
    """Wait until the worker's effect is visible; fail after the timeout."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the worker did not finish in time")
        time.sleep(0.05)
