"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it is sent, for the e-mail tests."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: every message accepted, parsed and kept."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on ``port`` that can be started late (a server that is down, then comes up)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages


@pytest.fixture
def smtp_server():
    """A running SMTP server, stopped after the test."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down():
    """A free port where no SMTP server listens (yet): ``.start()`` brings one up there."""
    server = SmtpServer()
    yield server
    server.stop()


def mail_config(server: SmtpServer, **extra) -> dict:
    """The app's configuration for sending to ``server`` (no TLS on loopback, no background thread)."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port, "SMTP_STARTTLS": False, "SMTP_FROM": "kuzet@test.kz",
            "MAIL_BACKGROUND": False, "PUBLIC_URL": "https://kuzet.example.kz", "SMTP_TIMEOUT_S": 2, **extra}
