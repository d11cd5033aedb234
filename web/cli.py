"""The ``kuzet`` command line: migrations, imports, demo data and the server.

The commands are registered on ``app.cli`` (``init_app``), so they run on the app ``create_app``
builds and read its configuration only: ``kuzet ...`` and ``flask --app web ...`` are the same.
"""
from __future__ import annotations

import shutil
import sys
from datetime import datetime
from functools import partial
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, ScriptInfo, show_server_banner
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from tqdm import tqdm
from werkzeug.serving import run_simple

from geo import services
from geo.access import SYSTEM
from geo.domain import AMBIGUOUS_TIMES, DEFAULT_AMBIGUOUS, DEFAULT_TIMEZONE
from geo.errors import InvalidInput, KuzetError
from geo.layers import IMPORTABLE
from geo.services import Mapping, load_mapping, parse_pairs
from geo.services.database import migrate

from . import create_app, register_pages
from .cli_language import CliText
from .config import settings
from .db import new_session

REPORT_LIMIT = 200  # the demo's report; an import's report goes to a file when longer than the screen
# Lines of the screen when the terminal does not say (output to a pipe or a file).
SCREEN_LINES = 40

# What the commands say, in the language of their environment (KUZET_LOCALE, else LANG & co.).
_ = CliText()

# The commands, each run inside the app's context (AppGroup); init_app puts them on app.cli.
commands = AppGroup("kuzet")


def terminal_progress(*, total: int, desc: str):
    return tqdm(total=total, desc=desc, unit="row", file=sys.stderr, disable=None, dynamic_ncols=True)


def cli_app(config: dict | None = None) -> Flask:
    """The app the commands run on: without the pages, so that a command starts without importing the
    map and analysis stack (``serve`` adds them)."""
    return create_app(config, pages=False)


def _use_database_url(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """``--database-url`` is configuration too: the app is built with it in place of the configured URL."""
    if value:
        ctx.ensure_object(ScriptInfo).create_app = partial(cli_app, {"DATABASE_URL": value})


class KuzetGroup(FlaskGroup):
    """Flask's group, listing kuzet's commands without building the app: they are this group's own
    (and the app's, see ``init_app``), so ``kuzet --help`` imports neither the models nor the pages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)


@click.group(cls=KuzetGroup, create_app=cli_app, add_default_commands=False, add_version_option=False,
             load_dotenv=False, set_debug_flag=False, context_settings={"auto_envvar_prefix": None})
@click.option("--database-url", default=None, expose_value=False, callback=_use_database_url,
              help="PostGIS URL (default: the project-local cluster).")
def main() -> None:
    """kuzet: patrol and incident mapping under MIA Order No. 641."""


# Flask's options for finding an app and its debug flag mean nothing here: the app is create_app's,
# and `serve --debug` sets debugging.
main.params = [p for p in main.params if p.name not in {"app", "env_file", "debug"}]


@commands.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the migrations (alembic upgrade)."""
    url = settings().database_url
    try:
        migrate.upgrade(url, revision=revision)
    except OperationalError as exc:
        raise _unreachable(make_url(url), exc) from None
    click.echo(_("database at revision %(revision)s", revision=migrate.head() if revision == "head" else revision))


@db.command("prune")
def db_prune() -> None:
    """Delete the expired web sessions and the sign-in records the login policy no longer reads, and
    reduce the positions older than POSITION_RETENTION_DAYS to their dosage figures, then delete them."""
    from geo.services.accounts import forget_login_attempts
    from geo.services.field.presence import reduce_old_positions

    from geo.services.web_sessions import drop_expired_sessions

    session = _session()
    with session.begin():
        count = drop_expired_sessions(session)
        attempts = forget_login_attempts(session, settings().login)
        reduced, positions = reduce_old_positions(session, settings=settings().presence)
    click.echo(_.ngettext("%(num)d expired web session deleted", "%(num)d expired web sessions deleted", count))
    click.echo(_.ngettext("%(num)d old sign-in record deleted", "%(num)d old sign-in records deleted", attempts))
    click.echo(_.ngettext("%(num)d assignment's positions reduced to its dosage figures",
                          "%(num)d assignments' positions reduced to their dosage figures", reduced))
    click.echo(_.ngettext("%(num)d old position deleted", "%(num)d old positions deleted", positions))


def _session() -> Session:
    """A session on a database the migrations have brought up to date (else a clear exit)."""
    session = new_session()
    try:
        problem = migrate.behind(session.connection())
    except OperationalError as exc:
        session.close()
        raise _unreachable(session.get_bind().engine.url, exc) from None
    session.rollback()  # the check's transaction; each command begins its own
    if problem:
        session.close()
        raise click.ClickException(_.render(problem))
    return session


def _unreachable(url: URL, exc: OperationalError) -> click.ClickException:
    """One line for a database that cannot be reached (the driver's reason spans several)."""
    reason = " ".join(str(exc.orig).split())
    return click.ClickException(_("cannot reach the database %(url)s: %(reason)s", url=url.render_as_string(),
                                  reason=reason))


@commands.command("import")
@click.argument("layer", type=click.Choice(sorted(IMPORTABLE)))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--srid", type=int, help="EPSG code of the file when it declares none.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Source column of a layer field.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="A value for every row.")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML or JSON mapping file (fields, set, srid, timezone, lon, lat, wkt, delimiter, encoding, "
                   "date_format: one format or a list, ambiguous).")
@click.option("--timezone", help=f"Zone of times without an offset (default {DEFAULT_TIMEZONE}).")
@click.option("--lon", help="CSV longitude (or x) column.")
@click.option("--lat", help="CSV latitude (or y) column.")
@click.option("--wkt", help="CSV WKT geometry column.")
@click.option("--delimiter", help="CSV delimiter (default: detected; ',' ';' tab '|').")
@click.option("--encoding", help="Encoding of the file (default: UTF-8, or CP1251 when that gives Cyrillic).")
@click.option("--sublayer", help="Layer inside a GeoPackage or multi-layer file.")
@click.option("--repair", is_flag=True, default=None, help="Make invalid geometries valid where possible.")
@click.option("--extent", metavar="MINLON,MINLAT,MAXLON,MAXLAT",
              help="Area the rows must lie in (default: the stored districts grown by IMPORT_EXTENT_MARGIN_KM; "
                   "no check when none are stored).")
@click.option("--again", is_flag=True, help="Import a file that was imported into the layer before.")
@click.option("--on-duplicate", type=click.Choice(["refuse", "update"]), default="refuse", show_default=True,
              help="Rows whose source and external_id are stored already: refuse them, or replace the stored rows.")
@click.option("--weights", type=click.Path(dir_okay=False, path_type=Path),
              help="analysis_area only: a GAL or GWT weights file stored with the set.")
@click.option("--weights-id", metavar="COLUMN",
              help="The column of the areas whose values the weights file's ids are (stored as external_id).")
@click.option("--date-format", "date_formats", multiple=True, metavar="FORMAT",
              help="How to read dates that are not ISO 8601 (2024-05-01T18:30, offset optional) or day-first "
                   "dd.mm.yyyy[ hh:mm[:ss]], in strptime codes (%z reads an offset, %Z a zone name), e.g. '%m/%d/%Y %I:%M:%S %p'. "
                   "Repeat it for several: each row takes the first that reads it whole. Dates with slashes "
                   "are refused without it, since they do not say whether the day or the month comes first.")
@click.option("--ambiguous", type=click.Choice(AMBIGUOUS_TIMES), default=None,
              help="A local time in a DST overlap (it happens twice) or gap (it never happens): read as the "
                   "earliest or latest instant it can mean (for a gap: the offset after or before the change), "
                   f"or refuse the row (default {DEFAULT_AMBIGUOUS}, as PostgreSQL reads such times). "
                   "The report counts these rows.")
@click.option("--skip-invalid", is_flag=True,
              help="Store the valid rows and write every rejected row, with its reasons, to a CSV "
                   "(its columns as read, then row and reason); without it, all rows or none.")
@click.option("--rejected", "rejected_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Where --skip-invalid writes the rejected rows (default: <file stem>.rejected.csv here).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Where a report longer than the screen is written in full (default: "
                   "<file stem>.import-report.txt here); the screen shows its start and the counts per reason.")
@click.option("--dry-run", is_flag=True, help="Validate and report, store nothing (--skip-invalid still writes "
                                              "the rejected rows).")
def import_cmd(layer, path, srid, maps, sets, mapping_file, timezone, lon, lat, wkt, delimiter, encoding, sublayer,
               repair, extent, again, on_duplicate, weights, weights_id, date_formats, ambiguous, skip_invalid, rejected_file,
               report_file, dry_run):
    """Validate every row of PATH and store it in LAYER, all rows or none (or, with --skip-invalid,
    the valid ones)."""
    from psycopg import Error as PsycopgError
    from sqlalchemy.exc import DBAPIError

    from geo.ingest.report import report
    from geo.ingest.validate import Extent

    try:
        options = Mapping(fields=parse_pairs(maps, "--map"), constants=parse_pairs(sets, "--set"),
                          srid=srid, timezone=timezone, lon=lon, lat=lat, wkt=wkt, sublayer=sublayer,
                          repair=repair, delimiter=delimiter, encoding=encoding,
                          date_format=tuple(date_formats) or None, ambiguous=ambiguous)
        mapping = load_mapping(mapping_file).merged(options) if mapping_file else options
        area = Extent.parse(extent) if extent else None
        session = _session()
        started = datetime.now()
        with session.begin():
            result = services.import_layer(session, layer, path, actor=SYSTEM, mapping=mapping,
                                           progress=terminal_progress, extent=area, again=again,
                                           on_duplicate=on_duplicate, settings=settings().imports,
                                           weights=weights, weights_id=weights_id,
                                           skip_invalid=skip_invalid, rejected=rejected_file)
            if dry_run:
                session.rollback()
    except InvalidInput as exc:
        _show_report(report(exc.msg, exc.rows, exc.notes, _.translations), report_file or _report_path(path),
                     err=True)
        sys.exit(1)
    except KuzetError as exc:
        click.echo(_.render(exc.msg), err=True)
        sys.exit(1)
    except (DBAPIError, PsycopgError) as exc:
        cause = getattr(exc, "orig", None) or exc
        reason = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        # no SQLSTATE, connection exceptions (08) and server shutdowns (57P) mean the connection went
        state = getattr(cause, "sqlstate", None) or ""
        lost = not state or state[:2] == "08" or state[:3] == "57P"
        click.echo(_("import of %(file)s stopped, the database connection was lost (%(reason)s); nothing was stored",
                     file=path.name, reason=reason) if lost else
                   _("import of %(file)s stopped, the database failed (%(reason)s); nothing was stored",
                     file=path.name, reason=reason), err=True)
        sys.exit(1)
    seconds = (datetime.now() - started).total_seconds()
    click.echo(_stored_line(result, dry_run, seconds))
    if result.rejected:
        summary = (_("%(rows)s rows would be stored, %(rejected)s rejected (written to %(file)s)", **_counts(result))
                   if dry_run else
                   _("%(rows)s rows stored, %(rejected)s rejected (written to %(file)s)", **_counts(result)))
        _show_report(report(summary, list(result.problems), list(result.notes), _.translations),
                     report_file or _report_path(path))
    else:
        click.echo("\n".join(f"  {_.render(note)}" for note in result.notes))


def _counts(result) -> dict:
    return {"rows": f"{result.rows:,}", "rejected": f"{result.rejected:,}", "file": result.rejected_file}


def _stored_line(result, dry_run: bool, seconds: float) -> str:
    """What an import did, on one line: rows, source, layer, time and rate."""
    values = {"source": result.source_name, "crs": result.source_crs, "layer": result.layer,
              "seconds": f"{seconds:.1f}", "rate": f"{result.rows / max(seconds, 1e-9):,.0f}"}
    if dry_run:
        return _.ngettext("%(num)d row of %(source)s (%(crs)s) validated (dry run, nothing stored) in layer "
                          "%(layer)s in %(seconds)s s (%(rate)s rows/s)",
                          "%(num)d rows of %(source)s (%(crs)s) validated (dry run, nothing stored) in layer "
                          "%(layer)s in %(seconds)s s (%(rate)s rows/s)", result.rows, **values)
    if result.replaced:
        return _.ngettext("%(num)d row of %(source)s (%(crs)s) stored in layer %(layer)s, replacing %(replaced)s "
                          "stored rows in %(seconds)s s (%(rate)s rows/s)",
                          "%(num)d rows of %(source)s (%(crs)s) stored in layer %(layer)s, replacing %(replaced)s "
                          "stored rows in %(seconds)s s (%(rate)s rows/s)", result.rows,
                          replaced=result.replaced, **values)
    return _.ngettext("%(num)d row of %(source)s (%(crs)s) stored in layer %(layer)s in %(seconds)s s "
                      "(%(rate)s rows/s)",
                      "%(num)d rows of %(source)s (%(crs)s) stored in layer %(layer)s in %(seconds)s s "
                      "(%(rate)s rows/s)", result.rows, **values)


def _report_path(path: Path) -> Path:
    return Path(f"{path.stem}.import-report.txt")


def _show_report(full, path: Path, *, err: bool = False) -> None:
    """The report on the screen; when longer than the screen, its start and the counts per reason, and
    the whole of it in ``path``."""
    screen = shutil.get_terminal_size(fallback=(100, SCREEN_LINES)).lines
    lines = full.lines
    if len(lines) <= screen:
        click.echo("\n".join(lines), err=err)
        return
    try:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        where = _("the full report (%(lines)s lines) is in %(path)s", lines=format(len(lines), ","), path=path)
    except OSError as exc:
        where = _("the full report could not be written to %(path)s (%(reason)s)", path=path, reason=exc.strerror)
    more_reasons = len(full.counts) - 11
    counts = full.counts[:11] + ([_.ngettext("  ... and %(num)d more reason", "  ... and %(num)d more reasons",
                                            more_reasons)] if more_reasons > 0 else [])
    room = max(screen - len(full.head) - len(counts) - 2, 5)
    more = len(full.rows) - room
    shown = full.rows[:room] + ([_.ngettext("  ... and %(num)d more", "  ... and %(num)d more", more)]
                                if more > 0 else [])
    click.echo("\n".join(full.head + shown + counts + [where]), err=err)


@commands.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("../shared/data"),
              show_default=True, help="The shared real data (Almaty layers).")
@click.option("--seed", type=int, default=641, show_default=True, help="Seed of the synthetic incidents.")
@click.option("--force", is_flag=True, help="Load again even when demo data is present.")
@click.option("--accounts-file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("var/demo-accounts.txt"), show_default=True,
              help="Where the demo accounts' passwords are kept (readable by you only).")
def demo(data_dir: Path, seed: int, force: bool, accounts_file: Path) -> None:
    """Load the Almaty demo: real layers, people, accounts, synthetic incidents (labelled as such)."""
    from geo.demo import demo_loaded, load_demo
    from geo.demo.accounts import create_demo_accounts

    session = _session()
    try:
        with session.begin():
            if demo_loaded(session) and not force:
                click.echo(_("demo data already loaded (use --force to load it again)"))
                _show_accounts(accounts_file)
                return
            summary = load_demo(session, data_dir, seed=seed, progress=terminal_progress, replace=force)
            accounts = create_demo_accounts(session, hash_method=settings().password_hash_method)
    except KuzetError as exc:
        click.echo(exc.report(limit=REPORT_LIMIT, translations=_.translations) if isinstance(exc, InvalidInput)
                   else _.render(exc.msg), err=True)
        sys.exit(1)
    for layer_name, count in summary.items():
        click.echo(f"{layer_name:>14}: {count}")
    _keep_accounts(accounts_file, accounts)
    _show_accounts(accounts_file)


@commands.group()
def basemap() -> None:
    """The offline basemap drawn under the map pages."""


@basemap.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def basemap_load(path: Path) -> None:
    """Load the parks, water and railways of an OSM extract (.osm.pbf) for the basemap, replacing the
    ones loaded before; streets and districts come from their own imports."""
    from geo import services

    session = _session()
    try:
        with session.begin():
            result = services.load_basemap(session, path)
    except KuzetError as exc:
        click.echo(_.render(exc.msg), err=True)
        sys.exit(1)
    for kind, count in result.counts.items():
        click.echo(f"{kind:>10}: {count}")
    if result.replaced:
        click.echo(_.ngettext("(%(num)d feature loaded before was replaced)",
                              "(%(num)d features loaded before were replaced)", result.replaced))


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
        click.echo(_("(no %(path)s: set a password with `kuzet user reset-password LOGIN`)", path=path))


@commands.group()
def user() -> None:
    """Accounts: create, reset passwords, list."""


@user.command("create")
@click.argument("login")
@click.option("--full-name", required=True)
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["admin", "dispatcher", "analyst", "supervisor", "leader", "participant"]))
@click.option("--officer-id", type=int, help="The officer a supervisor is.")
@click.option("--formation-id", type=int, help="The formation a leader leads.")
@click.option("--participant-id", type=int, help="The individual participant an account of role participant is.")
@click.password_option()
def user_create(login, full_name, roles, officer_id, formation_id, participant_id, password) -> None:
    """Create a user (the password is asked for twice)."""
    from geo.services.accounts import create_user

    session = _session()
    try:
        with session.begin():
            create_user(session, SYSTEM, login=login, full_name=full_name, password=password, roles=roles,
                        officer_id=officer_id, formation_id=formation_id, participant_id=participant_id,
                        hash_method=settings().password_hash_method)
    except KuzetError as exc:
        raise click.ClickException(_.render(exc.msg)) from None
    click.echo(_("user %(login)s created", login=login.strip().lower()))


@user.command("reset-password")
@click.argument("login")
@click.password_option()
def user_reset_password(login, password) -> None:
    """Set a new password for a user."""
    from geo.services.accounts import reset_password

    session = _session()
    try:
        with session.begin():
            reset_password(session, SYSTEM, login=login, password=password,
                           hash_method=settings().password_hash_method)
    except KuzetError as exc:
        raise click.ClickException(_.render(exc.msg)) from None
    click.echo(_("password of %(login)s changed", login=login))


@user.command("set-email")
@click.argument("login")
@click.argument("email")
def user_set_email(login: str, email: str) -> None:
    """Set the address a user's shift notifications are e-mailed to ("" removes it)."""
    from geo.services.notify import set_account_email

    session = _session()
    try:
        with session.begin():
            stored = set_account_email(session, SYSTEM, login, email)
    except KuzetError as exc:
        raise click.ClickException(_.render(exc.msg)) from None
    click.echo(_("notifications of %(login)s are e-mailed to %(email)s", login=login, email=stored) if stored
               else _("notifications of %(login)s are not e-mailed", login=login))


@user.command("list")
def user_list() -> None:
    """List the users, their roles, and the logins locked after failed sign-ins (until when, local time)."""
    from zoneinfo import ZoneInfo

    from geo.services.accounts import list_users

    zone = ZoneInfo(settings().timezone)
    with _session() as session:
        for u in list_users(session, SYSTEM, policy=settings().login):
            links = _(" officer %(id)s", id=u["officer_id"]) if u["officer_id"] else ""
            links += _(" formation %(id)s", id=u["formation_id"]) if u["formation_id"] else ""
            locks = "".join(_(" (locked from %(address)s until %(time)s)",
                              address=lock["address"] or _("an unknown address"),
                              time=f"{lock['until'].astimezone(zone):%H:%M}") for lock in u["locked"])
            click.echo(f"{u['login']:<14} {','.join(u['roles']):<22}{links}{'' if u['active'] else _(' (inactive)')}"
                       f"{locks}")


@commands.group()
def token() -> None:
    """Personal API tokens of a user (Bearer tokens for GIS clients): create, list, revoke."""


@token.command("create")
@click.argument("login")
@click.option("--name", required=True, help="What the token is for (e.g. 'QGIS at work').")
@click.option("--days", type=click.IntRange(1, 3650), help="Valid for this many days (default: until revoked).")
def token_create(login, name, days) -> None:
    """Make a token for LOGIN and print its secret (shown this once; only its hash is stored)."""
    from datetime import timedelta, timezone

    from geo.services import api_tokens

    session = _session()
    try:
        with session.begin():
            expires = None if days is None else datetime.now(timezone.utc) + timedelta(days=days)
            made = api_tokens.create_token(session, api_tokens.holder(session, login), name=name, expires_at=expires)
    except KuzetError as exc:
        raise click.ClickException(_.render(exc.msg)) from None
    click.echo(_("token %(id)s (%(name)s) of %(login)s; copy it now, it is not shown again:", id=made.id,
                 name=made.name, login=login), err=True)
    click.echo(made.secret)


@token.command("list")
@click.argument("login")
def token_list(login) -> None:
    """List the tokens of LOGIN (never their secrets)."""
    from zoneinfo import ZoneInfo

    from geo.services import api_tokens

    zone = ZoneInfo(settings().timezone)

    def local(moment) -> str:
        return "-" if moment is None else f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"

    states = {"live": _("live"), "revoked": _("revoked"), "expired": _("expired")}
    with _session() as session:
        try:
            tokens = api_tokens.list_tokens(session, api_tokens.holder(session, login))
        except KuzetError as exc:
            raise click.ClickException(_.render(exc.msg)) from None
        for t in tokens:
            click.echo(f"{t['id']:>5} {t['name']:<24} {t['prefix']}…  "
                       + _("created %(created)s  last used %(used)s  expires %(expires)s  %(state)s",
                           created=local(t["created_at"]), used=local(t["last_used_at"]),
                           expires=local(t["expires_at"]), state=states.get(t["state"], t["state"])))


@token.command("revoke")
@click.argument("login")
@click.argument("token_id", type=int)
def token_revoke(login, token_id) -> None:
    """Revoke token TOKEN_ID of LOGIN (the next request with it is refused)."""
    from geo.services import api_tokens

    session = _session()
    try:
        with session.begin():
            api_tokens.revoke_token(session, api_tokens.holder(session, login), token_id)
    except KuzetError as exc:
        raise click.ClickException(_.render(exc.msg)) from None
    click.echo(_("token %(id)s of %(login)s revoked", id=token_id, login=login))


@commands.group()
def mail() -> None:
    """E-mail of shift notifications (SMTP, the KUZET_SMTP_* settings)."""


@mail.command("send")
def mail_send() -> None:
    """Send the due e-mails of the outbox now (the web server also sends them in the background)."""
    from .mail import send_due

    if not settings().mail.enabled:
        raise click.ClickException(_("no SMTP server is configured (set KUZET_SMTP_HOST)"))
    _session().close()
    count = send_due(current_app._get_current_object(), limit=10_000)
    click.echo(_.ngettext("%(num)d e-mail sent", "%(num)d e-mails sent", count.sent))
    if count.failed:
        click.echo(_.ngettext("%(num)d e-mail failed (kept for a retry)", "%(num)d e-mails failed (kept for a retry)",
                              count.failed), err=True)
        sys.exit(1)


@commands.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
# Only the command line chooses the development server: no FLASK_SERVE_* variable can.
@click.option("--dev", is_flag=True, allow_from_autoenv=False,
              help="Werkzeug's development server (one process) instead of gunicorn.")
@click.option("--debug", is_flag=True, allow_from_autoenv=False,
              help="Debugging, on the development server (implies --dev).")
def serve(host: str, port: int, dev: bool, debug: bool) -> None:
    """Serve the web app: gunicorn, workers x threads sized from the cores (KUZET_WORKERS, KUZET_THREADS)."""
    _session().close()  # refuse to serve a database the migrations have not brought up to date
    app: Flask = current_app._get_current_object()
    register_pages(app)  # the command line's app has none (see cli_app)
    click.echo(_("kuzet serving on http://%(host)s:%(port)s/", host=host, port=port))
    if not (dev or debug):
        from .server import serve as serve_production

        app.debug = False  # a DEBUG configuration never reaches the served app: errors get their pages
        serve_production(app, host, port)
        return
    # app.run declines to start under a Flask CLI; this is what it would do.
    app.debug = debug
    show_server_banner(app.debug, app.name)
    run_simple(host, port, app, use_reloader=False, use_debugger=debug, threaded=True)


def init_app(app: Flask) -> None:
    """The commands on ``app.cli``: ``kuzet COMMAND`` or ``flask --app web COMMAND``."""
    for name, command in commands.commands.items():
        app.cli.add_command(command, name)


for _name, _command in commands.commands.items():  # kuzet's own: found without building the app
    main.add_command(_command, _name)


if __name__ == "__main__":
    main()
