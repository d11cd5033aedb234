"""Accountability: the audit log written and read (``audit``, ``trail``) and the quarterly summary."""
from .quarterly import Quarter, quarterly_csv, quarterly_summary
from .trail import audit_entities, audit_trail
