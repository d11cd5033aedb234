"""The web app's configuration: defaults, each overridable by a ``KUZET_``-prefixed environment
variable, and the one place kuzet's keys are read into a ``geo.settings.Settings``."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from geo.settings import (DEFAULT_PG_PORT, EvaluationSettings, ImportSettings, LoginPolicy, MailSettings, MapSettings,
                          PhotoSettings, PresenceSettings, RouteSettings, ServerSettings, Settings, VectorTileSettings,
                          ZoneLimits,
                          local_database_url)

_DEFAULT = Settings()

DEFAULTS = {
    # Empty means the project-local cluster on PG_PORT (scripts/pg.sh runs it there).
    "DATABASE_URL": "",
    "PG_PORT": DEFAULT_PG_PORT,
    # Basemap tiles; empty means no basemap, so the page requests nothing outside this server.
    "TILES_URL": _DEFAULT.map.tiles_url,
    "TILES_ATTRIBUTION": _DEFAULT.map.tiles_attribution,
    "SECRET_KEY": "dev-only-change-me",
    "TIMEZONE": _DEFAULT.timezone,
    "MAP_CENTER": list(_DEFAULT.map.center),
    "MAP_ZOOM": _DEFAULT.map.zoom,
    "MAP_FEATURE_LIMIT": _DEFAULT.map.feature_limit,
    # Vector tiles: from this zoom incidents and field reports are points, below it counted cells.
    "TILE_POINTS_ZOOM": _DEFAULT.tiles.points_zoom,
    "TILE_CELL_PX": _DEFAULT.tiles.cell_px,
    "TILE_MAX_AGE": _DEFAULT.tiles.max_age_s,
    # The language of a reader whose account, cookie and browser choose none (ru, kk or en).
    "LOCALE": _DEFAULT.locale,
    # The legal regime in force: a module of geo/regimes by its name (order641) or registered name (order-641).
    "REGIME": _DEFAULT.regime,
    # Reports a page of /reports and /supervise/reports lists (``?per_page=`` overrides it, 1..200).
    "REPORTS_PAGE_SIZE": _DEFAULT.reports_page_size,
    # Seconds during which a dispatcher may undo their own last action on the board.
    "UNDO_WINDOW_S": _DEFAULT.undo_window_s,
    # Sensible size of an area drawn on the dispatcher's map (m², measured on the spheroid).
    "ZONE_MIN_AREA_M2": _DEFAULT.zone_limits.min_area_m2,
    "ZONE_MAX_AREA_M2": _DEFAULT.zone_limits.max_area_m2,
    # The most vertices one polygon sent to kuzet (a drawn area, an analysis area) may have.
    "ZONE_MAX_VERTICES": _DEFAULT.zone_limits.max_vertices,
    # The longest span of days an incident series counts (one bucket a day).
    "SERIES_MAX_DAYS": _DEFAULT.series_max_days,
    # Photos of a field report: the largest photo in bytes, the most a report holds (a report form
    # with photos may be that many photos large, beyond MAX_CONTENT_LENGTH).
    "PHOTO_MAX_BYTES": _DEFAULT.photos.max_bytes,
    "PHOTO_MAX_COUNT": _DEFAULT.photos.max_count,
    # Flask's own: the largest request body in bytes (413 beyond it); 1 MiB holds the largest zone.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # How passwords are hashed (werkzeug's method string); sign-in reads the method from each hash.
    "PASSWORD_HASH_METHOD": _DEFAULT.password_hash_method,
    # Failed sign-ins (geo.settings.LoginPolicy): free failures per (login, address), then waits that
    # double from the first delay up to the longest; a looser ceiling per address. Durations in seconds.
    "LOGIN_FREE_FAILURES": _DEFAULT.login.free_failures,
    "LOGIN_FIRST_DELAY_S": _DEFAULT.login.first_delay.total_seconds(),
    "LOGIN_MAX_DELAY_S": _DEFAULT.login.max_delay.total_seconds(),
    "LOGIN_MEMORY_S": _DEFAULT.login.memory.total_seconds(),
    "LOGIN_ADDRESS_MAX_FAILURES": _DEFAULT.login.address_max_failures,
    "LOGIN_ADDRESS_WINDOW_S": _DEFAULT.login.address_window.total_seconds(),
    # Imported rows must lie within the stored districts grown by this margin (km), unless --extent.
    "IMPORT_EXTENT_MARGIN_KM": _DEFAULT.imports.extent_margin_km,
    # An import reads, validates and stores a file this many rows at a time (memory is bounded by it).
    "IMPORT_CHUNK_ROWS": _DEFAULT.imports.chunk_rows,
    # The server (`kuzet serve`): gunicorn workers (0: 2 x cores + 1) x threads, a pool per worker of
    # one connection per thread + MAX_OVERFLOW, a 503 after POOL_TIMEOUT s, PostgreSQL's statement_timeout.
    "WORKERS": _DEFAULT.server.workers,
    "THREADS": _DEFAULT.server.threads,
    "MAX_OVERFLOW": _DEFAULT.server.max_overflow,
    "POOL_TIMEOUT": _DEFAULT.server.pool_timeout_s,
    "CONNECT_TIMEOUT": _DEFAULT.server.connect_timeout_s,
    "STATEMENT_TIMEOUT": _DEFAULT.server.statement_timeout_s,
    "RETRY_AFTER": _DEFAULT.server.retry_after_s,
    # Behind a reverse proxy: how many proxies' X-Forwarded-* headers to trust (0: none).
    "PROXY_FIX": _DEFAULT.server.proxy_fix,
    # Where gunicorn writes its access log ("-": standard output).
    "ACCESS_LOG": _DEFAULT.server.access_log,
    # E-mail of shift notifications (geo.settings.MailSettings); nothing is sent while SMTP_HOST is empty.
    "SMTP_HOST": _DEFAULT.mail.host,
    "SMTP_PORT": _DEFAULT.mail.port,
    "SMTP_USER": _DEFAULT.mail.user,
    "SMTP_PASSWORD": _DEFAULT.mail.password,
    "SMTP_FROM": _DEFAULT.mail.sender,
    "SMTP_STARTTLS": _DEFAULT.mail.starttls,
    "SMTP_TIMEOUT_S": _DEFAULT.mail.timeout_s,
    # Tries of an e-mail, the wait after the first failure (doubling after each), its shelf life (hours).
    "MAIL_MAX_ATTEMPTS": _DEFAULT.mail.max_attempts,
    "MAIL_RETRY_S": _DEFAULT.mail.retry_base_s,
    "MAIL_MAX_AGE_H": _DEFAULT.mail.max_age_h,
    # The web app's background sender: on or off, and how often it looks for due e-mails (seconds).
    "MAIL_BACKGROUND": _DEFAULT.mail.background,
    "MAIL_POLL_S": _DEFAULT.mail.poll_s,
    # The address users reach kuzet at, for the links in e-mails (empty: no link).
    "PUBLIC_URL": _DEFAULT.mail.public_url,
    # The before/after evaluation of patrolled places (geo.settings.EvaluationSettings): weeks each side
    # of the patrols' start, matched controls, the ring outside a target (m), the radius of a point or
    # line place (m), and when nothing is concluded (fewest incidents; widest interval, upper/lower).
    "EVALUATION_WEEKS": _DEFAULT.evaluation.weeks,
    "EVALUATION_CONTROLS": _DEFAULT.evaluation.controls,
    "EVALUATION_RING_M": _DEFAULT.evaluation.ring_m,
    "EVALUATION_PLACE_RADIUS_M": _DEFAULT.evaluation.place_radius_m,
    "EVALUATION_MIN_COUNT": _DEFAULT.evaluation.min_count,
    "EVALUATION_MAX_INTERVAL_RATIO": _DEFAULT.evaluation.max_interval_ratio,
    # Walking patrol routes (geo.settings.RouteSettings): walking speed (km/h), minutes at each hot
    # cell, the heaviest cells considered, the MIP's size and time limit (s), the squares incidents
    # are counted into (m), and the start places' reach (m).
    "ROUTE_WALKING_KMH": _DEFAULT.routes.walking_kmh,
    "ROUTE_DWELL_MIN": _DEFAULT.routes.dwell_min,
    "ROUTE_MAX_CANDIDATES": _DEFAULT.routes.max_candidates,
    "ROUTE_EXACT_MAX": _DEFAULT.routes.exact_max,
    "ROUTE_TIME_LIMIT_S": _DEFAULT.routes.time_limit_s,
    "ROUTE_CELL_M": _DEFAULT.routes.cell_m,
    "ROUTE_START_RADIUS_M": _DEFAULT.routes.start_radius_m,
    # Presence with consent (geo.settings.PresenceSettings): minutes between positions sent, the fastest
    # plausible movement (km/h), minutes of grace around a shift, the longest gap (minutes) dosage
    # bridges, the route's tolerance (m), the worst accuracy accepted (m), clock skew (s), and the
    # days raw positions are kept before `kuzet db prune` reduces them to the dosage figures.
    "PRESENCE_INTERVAL_MIN": _DEFAULT.presence.interval_min,
    "PRESENCE_MAX_SPEED_KMH": _DEFAULT.presence.max_speed_kmh,
    "PRESENCE_GRACE_MIN": _DEFAULT.presence.grace_min,
    "PRESENCE_GAP_MIN": _DEFAULT.presence.gap_min,
    "PRESENCE_ROUTE_TOLERANCE_M": _DEFAULT.presence.route_tolerance_m,
    "PRESENCE_MAX_ACCURACY_M": _DEFAULT.presence.max_accuracy_m,
    "PRESENCE_MAX_CLOCK_SKEW_S": _DEFAULT.presence.max_clock_skew_s,
    "POSITION_RETENTION_DAYS": _DEFAULT.presence.retention_days,
    "PRESENCE_PLACE_RADIUS_M": _DEFAULT.presence.place_radius_m,
}


def settings_from(config: Mapping[str, Any]) -> Settings:
    """The settings a Flask configuration holds (values from the environment arrive as JSON)."""
    return Settings(
        database_url=config["DATABASE_URL"] or local_database_url(config["PG_PORT"]),
        timezone=config["TIMEZONE"],
        zone_limits=ZoneLimits(min_area_m2=float(config["ZONE_MIN_AREA_M2"]),
                               max_area_m2=float(config["ZONE_MAX_AREA_M2"]),
                               max_vertices=int(config["ZONE_MAX_VERTICES"])),
        map=MapSettings(center=tuple(config["MAP_CENTER"]), zoom=int(config["MAP_ZOOM"]),
                        feature_limit=int(config["MAP_FEATURE_LIMIT"]), tiles_url=config["TILES_URL"] or "",
                        tiles_attribution=config["TILES_ATTRIBUTION"]),
        tiles=VectorTileSettings(points_zoom=int(config["TILE_POINTS_ZOOM"]), cell_px=int(config["TILE_CELL_PX"]),
                                 max_age_s=int(config["TILE_MAX_AGE"])),
        password_hash_method=config["PASSWORD_HASH_METHOD"],
        login=_login_policy(config),
        imports=ImportSettings(extent_margin_km=float(config["IMPORT_EXTENT_MARGIN_KM"]),
                               chunk_rows=int(config["IMPORT_CHUNK_ROWS"])),
        server=ServerSettings(workers=int(config["WORKERS"]), threads=int(config["THREADS"]),
                              max_overflow=int(config["MAX_OVERFLOW"]), pool_timeout_s=float(config["POOL_TIMEOUT"]),
                              connect_timeout_s=int(config["CONNECT_TIMEOUT"]),
                              statement_timeout_s=float(config["STATEMENT_TIMEOUT"]),
                              retry_after_s=int(config["RETRY_AFTER"]), proxy_fix=int(config["PROXY_FIX"]),
                              access_log=str(config["ACCESS_LOG"])),
        mail=_mail(config),
        series_max_days=int(config["SERIES_MAX_DAYS"]),
        photos=PhotoSettings(max_bytes=int(config["PHOTO_MAX_BYTES"]), max_count=int(config["PHOTO_MAX_COUNT"])),
        locale=str(config["LOCALE"]) or _DEFAULT.locale,  # KUZET_LOCALE="" is no choice
        reports_page_size=int(config["REPORTS_PAGE_SIZE"]),
        regime=str(config["REGIME"]) or _DEFAULT.regime,  # KUZET_REGIME="" is no choice
        evaluation=EvaluationSettings(weeks=int(config["EVALUATION_WEEKS"]),
                                      controls=int(config["EVALUATION_CONTROLS"]),
                                      ring_m=float(config["EVALUATION_RING_M"]),
                                      place_radius_m=float(config["EVALUATION_PLACE_RADIUS_M"]),
                                      min_count=int(config["EVALUATION_MIN_COUNT"]),
                                      max_interval_ratio=float(config["EVALUATION_MAX_INTERVAL_RATIO"])),
        undo_window_s=float(config["UNDO_WINDOW_S"]),
        routes=RouteSettings(walking_kmh=float(config["ROUTE_WALKING_KMH"]), dwell_min=float(config["ROUTE_DWELL_MIN"]),
                             max_candidates=int(config["ROUTE_MAX_CANDIDATES"]),
                             exact_max=int(config["ROUTE_EXACT_MAX"]),
                             time_limit_s=float(config["ROUTE_TIME_LIMIT_S"]), cell_m=float(config["ROUTE_CELL_M"]),
                             start_radius_m=float(config["ROUTE_START_RADIUS_M"])),
        presence=PresenceSettings(interval_min=float(config["PRESENCE_INTERVAL_MIN"]),
                                  max_speed_kmh=float(config["PRESENCE_MAX_SPEED_KMH"]),
                                  grace_min=float(config["PRESENCE_GRACE_MIN"]),
                                  gap_min=float(config["PRESENCE_GAP_MIN"]),
                                  route_tolerance_m=float(config["PRESENCE_ROUTE_TOLERANCE_M"]),
                                  max_accuracy_m=float(config["PRESENCE_MAX_ACCURACY_M"]),
                                  max_clock_skew_s=float(config["PRESENCE_MAX_CLOCK_SKEW_S"]),
                                  retention_days=int(config["POSITION_RETENTION_DAYS"]),
                                  place_radius_m=float(config["PRESENCE_PLACE_RADIUS_M"])),
    )


def _flag(value: Any) -> bool:
    """A boolean setting: JSON true/false from the environment, or the words people write."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _mail(config: Mapping[str, Any]) -> MailSettings:
    return MailSettings(host=str(config["SMTP_HOST"] or ""), port=int(config["SMTP_PORT"]),
                        user=str(config["SMTP_USER"] or ""), password=str(config["SMTP_PASSWORD"] or ""),
                        sender=str(config["SMTP_FROM"] or _DEFAULT.mail.sender),
                        starttls=_flag(config["SMTP_STARTTLS"]), timeout_s=float(config["SMTP_TIMEOUT_S"]),
                        max_attempts=int(config["MAIL_MAX_ATTEMPTS"]), retry_base_s=float(config["MAIL_RETRY_S"]),
                        max_age_h=float(config["MAIL_MAX_AGE_H"]), background=_flag(config["MAIL_BACKGROUND"]),
                        poll_s=float(config["MAIL_POLL_S"]), public_url=str(config["PUBLIC_URL"] or "").rstrip("/"))


def _login_policy(config: Mapping[str, Any]) -> LoginPolicy:
    def seconds(key: str) -> timedelta:
        return timedelta(seconds=float(config[key]))

    return LoginPolicy(free_failures=int(config["LOGIN_FREE_FAILURES"]), first_delay=seconds("LOGIN_FIRST_DELAY_S"),
                       max_delay=seconds("LOGIN_MAX_DELAY_S"), memory=seconds("LOGIN_MEMORY_S"),
                       address_max_failures=int(config["LOGIN_ADDRESS_MAX_FAILURES"]),
                       address_window=seconds("LOGIN_ADDRESS_WINDOW_S"))


def settings(app: Flask | None = None) -> Settings:
    """The settings of ``app`` (default: the current app), built once by ``create_app``."""
    return (app or current_app).extensions["kuzet"]


def regime_name() -> str:
    """The registered name of the legal regime in force (the ``REGIME`` setting)."""
    return settings().regime


def zone_name() -> str:
    """The zone local times are read and shown in (the ``TIMEZONE`` setting)."""
    return settings().timezone
