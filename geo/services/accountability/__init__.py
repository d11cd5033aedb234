"""Accountability: the audit log written and read (``audit``) and the quarterly summary."""
from .audit import audit_entities, audit_trail
from .quarterly import Quarter, presence_by_target, quarterly_csv, quarterly_summary
