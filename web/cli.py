"""The ``kuzet`` command line: migrations, imports, demo data and the server."""
from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.exc import OperationalError
from tqdm import tqdm

from geo import services
from geo.access import SYSTEM
from geo.domain import DEFAULT_TIMEZONE
from geo.db import make_engine, make_sessionmaker, migrate
from geo.errors import InvalidInput, KuzetError
from geo.ingest.mapping import Mapping, load_mapping, parse_pairs
from geo.layers import LAYERS

from .config import DEFAULTS

REPORT_LIMIT = 200


def database_url(ctx: click.Context) -> str:
    """The URL given to ``kuzet --database-url``, else the Flask app's (under ``flask``), else the env."""
    given = ctx.obj.get("url") if isinstance(ctx.obj, dict) else None
    if given:
        return given
    if current_app:
        return current_app.config["DATABASE_URL"]
    return os.environ.get("KUZET_DATABASE_URL") or DEFAULTS["DATABASE_URL"]


def terminal_progress(*, total: int, desc: str):
    return tqdm(total=total, desc=desc, unit="row", file=sys.stderr, disable=None, dynamic_ncols=True)


@click.group()
@click.option("--database-url", envvar="KUZET_DATABASE_URL", default=None,
              help="PostGIS URL (default: the project-local cluster).")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """kuzet: patrol and incident mapping under MIA Order No. 641."""
    ctx.obj = {"url": database_url}


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply the migrations (alembic upgrade)."""
    migrate.upgrade(database_url(ctx), revision=revision)
    click.echo(f"database at revision {revision}")


def _session(ctx: click.Context):
    """A session on a database the migrations have brought up to date (else a clear exit)."""
    engine = make_engine(database_url(ctx))
    try:
        with engine.connect() as conn:
            problem = migrate.behind(conn)
    except OperationalError as exc:
        raise click.ClickException(f"cannot reach the database {engine.url.render_as_string()}: "
                                   f"{exc.orig}") from None
    if problem:
        raise click.ClickException(problem)
    return make_sessionmaker(engine)()


@main.command("import")
@click.argument("layer", type=click.Choice(sorted(LAYERS)))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--srid", type=int, help="EPSG code of the file when it declares none.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Source column of a layer field.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="A value for every row.")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML or JSON mapping file (fields, set, srid, timezone, lon, lat, wkt).")
@click.option("--timezone", help=f"Zone of times without an offset (default {DEFAULT_TIMEZONE}).")
@click.option("--lon", help="CSV longitude (or x) column.")
@click.option("--lat", help="CSV latitude (or y) column.")
@click.option("--wkt", help="CSV WKT geometry column.")
@click.option("--sublayer", help="Layer inside a GeoPackage or multi-layer file.")
@click.option("--repair", is_flag=True, default=None, help="Make invalid geometries valid where possible.")
@click.option("--dry-run", is_flag=True, help="Validate and report, store nothing.")
@click.pass_context
def import_cmd(ctx, layer, path, srid, maps, sets, mapping_file, timezone, lon, lat, wkt, sublayer, repair,
               dry_run):
    """Validate every row of PATH and store it in LAYER, all rows or none."""
    try:
        options = Mapping(fields=parse_pairs(maps, "--map"), constants=parse_pairs(sets, "--set"),
                          srid=srid, timezone=timezone, lon=lon, lat=lat, wkt=wkt, sublayer=sublayer,
                          repair=repair)
        mapping = load_mapping(mapping_file).merged(options) if mapping_file else options
        session = _session(ctx)
        started = datetime.now()
        with session.begin():
            result = services.import_layer(session, layer, path, actor=SYSTEM, mapping=mapping,
                                           progress=terminal_progress)
            if dry_run:
                session.rollback()
    except InvalidInput as exc:
        click.echo(exc.report(limit=REPORT_LIMIT), err=True)
        sys.exit(1)
    except KuzetError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    seconds = (datetime.now() - started).total_seconds()
    verb = "validated (dry run, nothing stored)" if dry_run else "stored"
    click.echo(f"{result.rows} rows of {result.source_name} ({result.source_crs}) {verb} in layer "
               f"{result.layer} in {seconds:.1f} s ({result.rows / max(seconds, 1e-9):,.0f} rows/s)")


@main.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("../shared/data"),
              show_default=True, help="The shared real data (Almaty layers).")
@click.option("--seed", type=int, default=641, show_default=True, help="Seed of the synthetic incidents.")
@click.option("--force", is_flag=True, help="Load again even when demo data is present.")
@click.option("--accounts-file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("var/demo-accounts.txt"), show_default=True,
              help="Where the demo accounts' passwords are kept (readable by you only).")
@click.pass_context
def demo(ctx, data_dir: Path, seed: int, force: bool, accounts_file: Path) -> None:
    """Load the Almaty demo: real layers, people, accounts, synthetic incidents (labelled as such)."""
    from geo.demo import demo_loaded, load_demo
    from geo.demo.accounts import create_demo_accounts

    session = _session(ctx)
    try:
        with session.begin():
            if demo_loaded(session) and not force:
                click.echo("demo data already loaded (use --force to load it again)")
                _show_accounts(accounts_file)
                return
            summary = load_demo(session, data_dir, seed=seed, progress=terminal_progress, replace=force)
            accounts = create_demo_accounts(session)
    except KuzetError as exc:
        click.echo(exc.report(limit=REPORT_LIMIT) if isinstance(exc, InvalidInput) else exc.message, err=True)
        sys.exit(1)
    for layer_name, count in summary.items():
        click.echo(f"{layer_name:>14}: {count}")
    _keep_accounts(accounts_file, accounts)
    _show_accounts(accounts_file)


def _keep_accounts(path: Path, accounts: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["Demo accounts (sign in at http://127.0.0.1:5000/login):"]
    lines += [f"  {a['login']:<11} {a['password']:<18} {', '.join(a['roles'])}"
              + (f" ({a['linked']})" if a["linked"] else "") for a in accounts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)


def _show_accounts(path: Path) -> None:
    if path.exists():
        click.echo(path.read_text(encoding="utf-8").rstrip())
    else:
        click.echo(f"(no {path}: set a password with `kuzet user reset-password LOGIN`)")


@main.group()
def user() -> None:
    """Accounts: create, reset passwords, list."""


@user.command("create")
@click.argument("login")
@click.option("--full-name", required=True)
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["admin", "dispatcher", "analyst", "supervisor", "leader"]))
@click.option("--officer-id", type=int, help="The officer a supervisor is.")
@click.option("--formation-id", type=int, help="The formation a leader leads.")
@click.password_option()
@click.pass_context
def user_create(ctx, login, full_name, roles, officer_id, formation_id, password) -> None:
    """Create a user (the password is asked for twice)."""
    from geo.services.accounts import create_user

    session = _session(ctx)
    try:
        with session.begin():
            create_user(session, SYSTEM, login=login, full_name=full_name, password=password, roles=roles,
                        officer_id=officer_id, formation_id=formation_id)
    except KuzetError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"user {login.strip().lower()} created")


@user.command("reset-password")
@click.argument("login")
@click.password_option()
@click.pass_context
def user_reset_password(ctx, login, password) -> None:
    """Set a new password for a user."""
    from geo.services.accounts import reset_password

    session = _session(ctx)
    try:
        with session.begin():
            reset_password(session, SYSTEM, login=login, password=password)
    except KuzetError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"password of {login} changed")


@user.command("list")
@click.pass_context
def user_list(ctx) -> None:
    """List the users and their roles."""
    from geo.services.accounts import list_users

    with _session(ctx) as session:
        for u in list_users(session, SYSTEM):
            links = f" officer {u['officer_id']}" if u["officer_id"] else ""
            links += f" formation {u['formation_id']}" if u["formation_id"] else ""
            click.echo(f"{u['login']:<14} {','.join(u['roles']):<22}{links}{'' if u['active'] else ' (inactive)'}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True)
@click.pass_context
def serve(ctx, host: str, port: int, debug: bool) -> None:
    """Serve the web app."""
    from . import create_app

    _session(ctx).close()  # refuse to serve a database the migrations have not brought up to date
    config = {"DATABASE_URL": database_url(ctx)}
    app = create_app(config)
    click.echo(f"kuzet serving on http://{host}:{port}/")
    app.run(host=host, port=port, debug=debug, use_reloader=False)


if __name__ == "__main__":
    main()


def init_app(app) -> None:
    """The same commands under ``flask --app web ...`` (they use the app's DATABASE_URL)."""
    app.cli.add_command(db)
    app.cli.add_command(import_cmd, name="import")
    app.cli.add_command(demo)
    app.cli.add_command(user)
