"""Alembic environment: the URL comes from the caller (``kuzet db upgrade`` or a test)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from geo.db.models import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):
    # PostGIS owns these tables; they are not ours to migrate.
    return not (type_ == "table" and name in {"spatial_ref_sys", "topology", "layer"})


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("no database URL: use `kuzet db upgrade` or `alembic -x url=... upgrade head`")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      include_object=include_object, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("kuzet migrations run online only: give a database URL")
run_migrations_online()
