"""Run the Alembic migrations programmatically (the CLI and the tests call this).

Alembic is imported where it is used: every command checks the schema, but ``kuzet --help`` need not.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from ..messages import N_, Message

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str | None = None, *, connection: Connection | None = None, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(url, connection), revision)


def downgrade(url: str | None = None, *, connection: Connection | None = None, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(url, connection), revision)


def current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision the code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def behind(connection: Connection) -> Message | None:
    """A message when the database is not at the newest revision, else None."""
    have, want = current(connection), head()
    if have == want:
        return None
    if have is None:
        return Message("database.empty", N_("the database is at revision none (empty) but the code needs "
                                            "%(want)s: run `kuzet db upgrade` first"), want=want)
    return Message("database.behind", N_("the database is at revision %(have)s but the code needs %(want)s: "
                                         "run `kuzet db upgrade` first"), have=have, want=want)
