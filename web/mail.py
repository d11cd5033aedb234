"""E-mails of shift notifications: composed in the recipient's stored language (plain text and HTML),
sent over SMTP by a background thread of each server process and by ``kuzet mail send``.

Any number of senders may run at once (gunicorn workers, a cron'd ``kuzet mail send``): each claims
its rows with ``FOR UPDATE SKIP LOCKED`` (``geo.services.notify.deliver_due``).
"""
from __future__ import annotations

import logging
import os
import threading
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from flask import Flask
from flask_babel import force_locale
from sqlalchemy.exc import DBAPIError

from geo import services
from geo.services import target_label
from geo.services.notify.smtp import send_smtp
from geo.settings import MailSettings

from .config import settings
from .db import new_session
from .formats import format_moment
from .notices import headline

log = logging.getLogger(__name__)


def compose(app: Flask, mail: services.OutgoingMail) -> EmailMessage:
    """The e-mail of one notification, in its recipient's language, times in the regime's zone."""
    config = settings(app)
    link = f"{config.mail.public_url}/my/shifts#shift-{mail.assignment_id}" if config.mail.public_url else None
    with app.app_context(), force_locale(mail.locale):
        from flask_babel import gettext as _

        title = headline(mail.kind, target=mail.target_name, start=mail.starts_at)
        values = dict(mail=mail, headline=title, link=link, zone=config.timezone,
                      when=lambda iso: format_moment(iso) if iso else "…", kind=lambda k: target_label(k, _))
        # Not render_template: the pages' context processors need a request; an e-mail has none.
        text = app.jinja_env.get_template("mail/shift.txt").render(values)
        html = app.jinja_env.get_template("mail/shift.html").render(values)
    message = EmailMessage()
    message["Subject"] = f"kuzet: {title}"
    message["From"] = config.mail.sender
    message["To"] = formataddr((mail.name, mail.to))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"notification-{mail.outbox_id}", domain="kuzet")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = mail.locale  # after the content: set_content replaces Content-* headers
    return message


def send_due(app: Flask, *, limit: int = 100, now=None) -> services.DeliveryCount:
    """Send the due e-mails of ``app``'s outbox once (each claimed, sent and marked in its own transaction)."""
    config = settings(app)
    mail_settings: MailSettings = config.mail

    def send(mail: services.OutgoingMail) -> None:
        send_smtp(mail_settings, compose(app, mail))

    return services.deliver_due(lambda: new_session(app), send, settings=mail_settings,
                                timezone_name=config.timezone, default_locale=config.locale, limit=limit, now=now)


class BackgroundSender:
    """One daemon thread per server process (started on its first request, so a forked gunicorn worker
    starts its own) that sends due e-mails every ``poll_s`` seconds."""

    def __init__(self, app: Flask):
        self.app = app
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def ensure_started(self) -> None:
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid != os.getpid():
                self.pid = os.getpid()
                threading.Thread(target=self.run, name="kuzet-mail", daemon=True).start()

    def run(self) -> None:
        poll = settings(self.app).mail.poll_s
        while not self.stop.is_set():
            try:
                count = send_due(self.app)
                if count.sent or count.failed:
                    log.info("mail: %d sent, %d failed", count.sent, count.failed)
            except DBAPIError as exc:  # the database is away: try again next round
                log.warning("mail: database unavailable (%s)", " ".join(str(exc.orig).split()))
            self.stop.wait(poll)


def init_app(app: Flask) -> None:
    """Start the background sender with the server when SMTP is configured and ``MAIL_BACKGROUND`` is on."""
    mail = settings(app).mail
    if mail.enabled and mail.background:
        sender = app.extensions["kuzet_mail_sender"] = BackgroundSender(app)
        app.before_request(sender.ensure_started)
