"""The errors kuzet raises; web/errors.py maps each class to an HTTP status.

Each carries a :class:`geo.messages.Message` (``msg``): a stable ``code`` and a msgid with its
parameters, rendered in the reader's language at the edge; ``message`` is its English text.
"""
from __future__ import annotations

from dataclasses import dataclass

from .messages import N_, NP_, Message, Translations, message, render


class KuzetError(Exception):
    """Base of every error a user can cause; ``msg`` is safe to show (``message`` in English)."""

    code = "error"

    def __init__(self, message_: Message | str):
        self.msg = message(message_, self.code)
        super().__init__(str(self.msg))

    @property
    def message(self) -> str:
        return str(self.msg)

    def render(self, translations: Translations | None = None) -> str:
        """The message in the language of ``translations`` (English without them)."""
        return self.msg.render(translations)


class NotFound(KuzetError):
    """The thing asked for does not exist (or the caller may not see it)."""

    code = "not-found"


class Forbidden(KuzetError):
    """The caller is known but may not do this."""

    code = "forbidden"


@dataclass(frozen=True)
class RowError:
    """One problem with one input row: 1-based row number, field, and why (``msg``: a Message, or a
    text a caller translated already); ``reason`` is its English text."""

    row: int
    field: str
    msg: Message | str

    @property
    def reason(self) -> str:
        return render(self.msg)

    @property
    def code(self) -> str | None:
        return self.msg.code if isinstance(self.msg, Message) else None

    def render(self, translations: Translations | None = None) -> str:
        """Why the row was refused, in the language of ``translations``."""
        return render(self.msg, translations)

    def as_dict(self, translations: Translations | None = None) -> dict:
        out = {"row": self.row, "field": self.field, "reason": self.render(translations)}
        if self.code:
            out["code"] = self.code
        return out

    def line(self, translations: Translations | None = None) -> str:
        """The row's problem on one line, in the language of ``translations``."""
        return Message("row.problem", N_("row %(row)d: %(field)s: %(reason)s"), row=self.row,
                       field=self.field, reason=self.render(translations)).render(translations)


class InvalidInput(KuzetError):
    """Input that cannot be stored; ``rows`` lists every bad row found, ``notes`` how the input was
    read (e.g. rows per date format)."""

    code = "invalid-input"

    def __init__(self, message_: Message | str, rows: list[RowError] | None = None,
                 notes: list[Message | str] | None = None):
        super().__init__(message_)
        self.rows = list(rows or [])
        self.notes = list(notes or [])

    def report(self, limit: int | None = None, translations: Translations | None = None) -> str:
        """Human-readable report: the message, then one line per bad row."""
        lines = [self.render(translations)]
        shown = self.rows if limit is None else self.rows[:limit]
        lines += ["  " + e.line(translations) for e in shown]
        if limit is not None and len(self.rows) > limit:
            more = Message("rows.more", NP_("... and %(num)d more", "... and %(num)d more"), num=len(self.rows) - limit)
            lines.append("  " + more.render(translations))
        return "\n".join(lines)


class RuleViolation(KuzetError):
    """An action the regime does not allow; ``violations`` lists every broken rule at once."""

    code = "rule-violation"

    def __init__(self, message_: Message | str, violations: list | tuple = ()):
        super().__init__(message_)
        self.violations = list(violations)


class Conflict(RuleViolation):
    """A rule the database enforced against a concurrent request (e.g. a double booking)."""

    code = "conflict"
