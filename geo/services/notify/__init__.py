"""Shift notifications: the shift holder's list (read and marked read), their e-mail address, and the
e-mail outbox drained by a sender (the web app's background thread or ``kuzet mail send``).

The notifications are written by the database in the transaction that changes an assignment (the
trigger of migration 0026); here they are read, marked, and turned into e-mails.
"""
from __future__ import annotations

from .inbox import (account_email, mark_notifications_read, normalise_email, notification_list, set_account_email,
                    set_my_email, unread_notifications)
from .mail import DeliveryCount, OutgoingMail, deliver_due, undelivered_mail

__all__ = ["DeliveryCount", "OutgoingMail", "account_email", "deliver_due", "mark_notifications_read",
           "normalise_email", "notification_list", "set_account_email", "set_my_email", "undelivered_mail",
           "unread_notifications"]
