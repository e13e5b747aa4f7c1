"""A real SMTP server for the mail tests: aiosmtpd on loopback, recording what it accepts.

Register with ``pytest_plugins = ["tests.mail_fixtures"]`` at the top of a test module.
"""

import email
import email.policy
import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from app.config import get_settings, reset_settings


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class RecordingHandler:
    """Accepts and records messages; refuses the next N (or all) with the reply it is given."""

    received: list[ReceivedMail] = field(default_factory=list)
    refusals: deque[str] = field(default_factory=deque)
    refuse_all_with: str | None = None
    refused_recipients: dict[str, str] = field(default_factory=dict)  # address → reply to its RCPT
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse_next(self, count: int = 1, reply: str = "451 4.3.0 Try again later") -> None:
        self.refusals.extend([reply] * count)

    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refused_recipients:
            return self.refused_recipients[address]
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        with self.lock:
            if self.refuse_all_with:
                return self.refuse_all_with
            if self.refusals:
                return self.refusals.popleft()
            content = envelope.original_content or envelope.content  # type: ignore[attr-defined]
            self.received.append(
                ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), bytes(content))  # type: ignore[attr-defined]
            )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingHandler]:
    """An SMTP server on 127.0.0.1 that the application's settings now point to."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setenv("ECANDIDAT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECANDIDAT_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("ECANDIDAT_SMTP_TIMEOUT", "5")
    reset_settings()
    assert get_settings().smtp_port == controller.port
    try:
        yield handler
    finally:
        controller.stop()
        reset_settings()
