"""The errors kuzet raises; web/errors.py maps each class to an HTTP status."""
from __future__ import annotations

from dataclasses import dataclass


class KuzetError(Exception):
    """Base of every error a user can cause; ``message`` is safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(KuzetError):
    """The thing asked for does not exist (or the caller may not see it)."""


class Forbidden(KuzetError):
    """The caller is known but may not do this."""


@dataclass(frozen=True)
class RowError:
    """One problem with one input row: 1-based row number, field, reason."""

    row: int
    field: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "reason": self.reason}


class InvalidInput(KuzetError):
    """Input that cannot be stored; ``rows`` lists every bad row found, ``notes`` how the input was
    read (e.g. rows per date format)."""

    def __init__(self, message: str, rows: list[RowError] | None = None, notes: list[str] | None = None):
        super().__init__(message)
        self.rows = list(rows or [])
        self.notes = list(notes or [])

    def report(self, limit: int | None = None) -> str:
        """Human-readable report: the message, then one line per bad row."""
        lines = [self.message]
        shown = self.rows if limit is None else self.rows[:limit]
        lines += [f"  row {e.row}: {e.field}: {e.reason}" for e in shown]
        if limit is not None and len(self.rows) > limit:
            lines.append(f"  ... and {len(self.rows) - limit} more")
        return "\n".join(lines)


class RuleViolation(KuzetError):
    """An action the regime does not allow; ``violations`` lists every broken rule at once."""

    def __init__(self, message: str, violations: list | tuple = ()):
        super().__init__(message)
        self.violations = list(violations)


class Conflict(RuleViolation):
    """A rule the database enforced against a concurrent request (e.g. a double booking)."""
