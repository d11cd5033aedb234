"""Sending one e-mail over SMTP with the standard library (``smtplib``), STARTTLS and login when set."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from ...settings import MailSettings


def send_smtp(settings: MailSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the configured SMTP server; raises ``OSError`` (``smtplib.SMTPException``
    included) when it cannot be delivered there."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password)
        smtp.send_message(message)
