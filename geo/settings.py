"""Settings, one frozen dataclass per concern, each default written once here.

geo never reads the environment: the web app builds a ``Settings`` once from its configuration
(``web.config.settings_from``) and hands each service the values it needs; a notebook or script
builds one from keyword arguments, or passes the values directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from .domain import DEFAULT_TIMEZONE
from .regimes import DEFAULT_REGIME, resolve_regime_name

# werkzeug's password hashing method string; tests configure a cheap one (e.g. "pbkdf2:sha256:1").
PASSWORD_HASH_METHOD = "scrypt"
# The longest span of local days an incident series counts (one bucket a day): about 10 years.
SERIES_MAX_DAYS = 3_660

# The languages kuzet speaks (catalogues under web/translations; English is the source language),
# and the one a reader gets when neither their account, a cookie nor their browser chooses.
LOCALES = ("ru", "kk", "en")
DEFAULT_LOCALE = "ru"

# The project-local cluster scripts/pg.sh runs (its KUZET_PG_PORT default; `scripts/pg.sh url` agrees).
DEFAULT_PG_PORT = 5433


def local_database_url(port: int = DEFAULT_PG_PORT, name: str = "kuzet") -> str:
    """The URL of database ``name`` on the project-local cluster listening on ``port``."""
    return f"postgresql+psycopg://kuzet@127.0.0.1:{int(port)}/{name}"


@dataclass(frozen=True)
class ZoneLimits:
    """Sensible size of an area drawn on the dispatcher's map (m², measured on the spheroid), and
    the most positions (vertices, all rings together) one polygon given to kuzet may have."""

    min_area_m2: float = 2_000.0
    max_area_m2: float = 50_000_000.0  # 50 km²
    max_vertices: int = 5_000


@dataclass(frozen=True)
class MapSettings:
    """Where the maps open, how many features a page draws, and the basemap.

    An empty ``tiles_url`` means kuzet's own vector basemap (``/tiles/basemap``, drawn from the
    loaded OSM data), so a page requests nothing outside this server; a raster service's URL
    replaces it.
    """

    center: tuple[float, float] = (43.25, 76.92)
    zoom: int = 11
    feature_limit: int = 10_000
    tiles_url: str = ""
    tiles_attribution: str = "© OpenStreetMap contributors"


@dataclass(frozen=True)
class VectorTileSettings:
    """The vector tiles (``/tiles/<layer>/<z>/<x>/<y>.mvt``).

    Below ``points_zoom`` incidents and field reports come as square cells of ``cell_px`` tile
    pixels (a grid in EPSG:3857) carrying their ``count``; from it on, as points. ``max_age_s`` is
    the ``Cache-Control`` lifetime of a tile (private: a tile holds what its viewer may see).
    """

    points_zoom: int = 16
    cell_px: int = 32
    min_zoom: int = 0
    max_zoom: int = 22
    max_age_s: int = 60


@dataclass(frozen=True)
class LoginPolicy:
    """How failed sign-ins are slowed down (the rule is ``geo.services.accounts.authenticate``'s).

    A (login, address) pair may fail ``free_failures`` times; then it waits ``first_delay`` after each
    further failure, doubling up to ``max_delay``. A pair's failures are forgotten after a success or
    once older than ``memory``. An address with ``address_max_failures`` failures (any login) within
    ``address_window`` has every wrong password refused, and each login there waits after its first
    failure; a right password always passes that ceiling.
    """

    free_failures: int = 5
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(minutes=15)
    memory: timedelta = timedelta(hours=1)
    address_max_failures: int = 50
    address_window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class ImportSettings:
    """Imports: rows of a layer are expected within the stored districts grown by this margin; a file
    is read, validated and stored ``chunk_rows`` rows at a time (memory stays bounded by a chunk)."""

    extent_margin_km: float = 25.0
    chunk_rows: int = 50_000


@dataclass(frozen=True)
class PhotoSettings:
    """Photos attached to a field report: at most ``max_count`` a report, each at most ``max_bytes``
    as sent, shown as thumbnails of ``thumbnail_px`` on their longer side."""

    max_bytes: int = 5_000_000
    max_count: int = 4
    thumbnail_px: int = 320

    @property
    def max_request_bytes(self) -> int:
        """The largest report form with photos a server reads: every photo at its limit, and 1 MiB of form."""
        return self.max_bytes * self.max_count + 1024 * 1024


@dataclass(frozen=True)
class ServerSettings:
    """How ``kuzet serve`` serves and how the app holds its database connections.

    ``workers`` 0 means sized from the cores (2 × cores + 1, gunicorn's usual rule); each worker
    runs ``threads`` threads, and its connection pool holds one connection per thread plus
    ``max_overflow`` spare ones, so a busy worker never waits on its own pool for long: after
    ``pool_timeout`` seconds a request answers 503 with ``Retry-After``. PostgreSQL cancels a
    statement after ``statement_timeout_s``. ``proxy_fix`` is the number of reverse proxies in
    front of the app whose ``X-Forwarded-*`` headers are trusted (0: none).
    """

    workers: int = 0
    threads: int = 4
    max_overflow: int = 2
    pool_timeout_s: float = 5.0
    connect_timeout_s: int = 5
    statement_timeout_s: float = 30.0
    retry_after_s: int = 5
    proxy_fix: int = 0
    access_log: str = "-"

    def worker_count(self, cores: int) -> int:
        return self.workers if self.workers > 0 else 2 * max(cores, 1) + 1

    @property
    def pool_size(self) -> int:
        return self.threads

    def engine_options(self) -> dict:
        """Keyword arguments of ``geo.db.make_engine`` for a pool matching one worker."""
        return {"pool_size": self.pool_size, "max_overflow": self.max_overflow, "pool_timeout": self.pool_timeout_s,
                "pool_pre_ping": True,
                "connect_args": {"connect_timeout": self.connect_timeout_s,
                                 "options": f"-c statement_timeout={int(self.statement_timeout_s * 1000)}"}}


@dataclass(frozen=True)
class MailSettings:
    """E-mail of notifications over SMTP (``geo.services.notify``); none is sent while ``host`` is empty.

    An outbox row is tried at most ``max_attempts`` times, waiting ``retry_base_s`` after the first
    failure and twice as long after each further one; a row older than ``max_age_h`` hours is no
    longer sent (an e-mail about a shift long past helps nobody). The background sender started with
    the web app (``background``) looks for due rows every ``poll_s`` seconds. ``public_url`` is the
    address the e-mails link to (``https://kuzet.example.kz``; empty: the link is left out).
    """

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = "kuzet@localhost"
    starttls: bool = True
    timeout_s: float = 10.0
    max_attempts: int = 5
    retry_base_s: float = 60.0
    max_age_h: float = 48.0
    poll_s: float = 15.0
    background: bool = True
    public_url: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class EvaluationSettings:
    """The before/after evaluation of patrolled places (``geo.services.evaluation``; design choices, D).

    ``weeks`` each side of the patrols' start (a request may ask for 1..``max_weeks``); ``controls``
    matched unpatrolled places per target (1..``max_controls``); the ring ``ring_m`` metres outside
    a target (up to ``max_ring_m``); a point or line place counts incidents within
    ``place_radius_m`` of it. Nothing is concluded below ``min_count`` incidents at a target over
    both windows, or when the interval's upper bound is over ``max_interval_ratio`` times its lower.
    """

    weeks: int = 8
    max_weeks: int = 52
    controls: int = 5
    max_controls: int = 20
    ring_m: float = 250.0
    max_ring_m: float = 2_000.0
    place_radius_m: float = 50.0
    min_count: int = 10
    max_interval_ratio: float = 10.0


@dataclass(frozen=True)
class RouteSettings:
    """Walking patrol routes (``geo.services.routes``; design choices, D).

    A route walks at ``walking_kmh`` and stays ``dwell_min`` minutes at each hot cell it visits,
    all within the shift's time. Its candidates are the ``max_candidates`` heaviest cells of the
    target (a stored run's cells, else incidents of the shift's hour band counted into squares of
    ``cell_m``); HiGHS solves the tour exactly within ``time_limit_s`` (from the heuristic's tour,
    which answers alone above ``exact_max`` candidates). Streets count within ``margin_m`` of a
    polygon target and within ``point_radius_m`` of a point or line target; a cell joins a street
    within ``max_snap_m``. A route starts at a police station or public place of ``start_kinds``
    within ``start_radius_m`` of the target, or at a point; a start farther than ``start_moved_m``
    from the target's streets starts at the nearest of them, and the route says so.
    """

    walking_kmh: float = 4.0
    dwell_min: float = 10.0
    max_candidates: int = 25
    exact_max: int = 40
    time_limit_s: float = 5.0
    cell_m: float = 100.0
    margin_m: float = 15.0
    point_radius_m: float = 300.0
    max_snap_m: float = 150.0
    start_radius_m: float = 1_000.0
    start_moved_m: float = 25.0
    start_kinds: tuple[str, ...] = ("station", "market")

    def __post_init__(self) -> None:
        positive = {"walking_kmh": self.walking_kmh, "max_candidates": self.max_candidates,
                    "time_limit_s": self.time_limit_s, "cell_m": self.cell_m}
        wrong = [name for name, value in positive.items() if not value > 0]
        if wrong or self.dwell_min < 0 or self.exact_max < 0:
            raise ValueError(f"route settings must be positive: {', '.join(wrong) or 'dwell_min, exact_max'}")


@dataclass(frozen=True)
class PresenceSettings:
    """Presence on a shift with the participant's consent (``geo.rules.presence``; design choices, D:
    the Order is silent on location tracking).

    A consenting participant's phone sends its position every ``interval_min`` minutes between
    check-in and check-out; a position is accepted within ``grace_min`` minutes of the shift's ends,
    at most ``max_speed_kmh`` from the previous accepted one (5 km in a minute is 300 km/h), with an
    accuracy of at most ``max_accuracy_m`` and at most ``max_clock_skew_s`` ahead of the server's
    clock. Dosage counts the time between consecutive positions no more than ``gap_min`` apart; a
    route's metre counts as walked within ``route_tolerance_m`` of the track. Raw positions are kept
    ``retention_days`` days, then ``kuzet db prune`` reduces them to the dosage figures.
    """

    interval_min: float = 2.0
    max_speed_kmh: float = 30.0
    grace_min: float = 15.0
    gap_min: float = 10.0
    route_tolerance_m: float = 25.0
    max_accuracy_m: float = 150.0
    max_clock_skew_s: float = 120.0
    retention_days: int = 30
    # a point or line target (a station, a street) counts as entered within this distance (m)
    place_radius_m: float = 50.0


@dataclass(frozen=True)
class Settings:
    """Everything kuzet is configured with beyond Flask's own keys.

    ``timezone`` is the zone local times are read and shown in; by default the zone the regime
    reads its legal dates in (``geo.domain.DEFAULT_TIMEZONE``). ``regime`` is the legal regime in
    force (``KUZET_REGIME``): a regime's registered name (``order-641``) or its module's name
    (``order641``), kept as the registered name; an unknown one stops the start with the known ones.
    """

    database_url: str = local_database_url()
    timezone: str = DEFAULT_TIMEZONE
    zone_limits: ZoneLimits = field(default_factory=ZoneLimits)
    map: MapSettings = field(default_factory=MapSettings)
    tiles: VectorTileSettings = field(default_factory=VectorTileSettings)
    password_hash_method: str = PASSWORD_HASH_METHOD
    login: LoginPolicy = field(default_factory=LoginPolicy)
    imports: ImportSettings = field(default_factory=ImportSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    photos: PhotoSettings = field(default_factory=PhotoSettings)
    series_max_days: int = SERIES_MAX_DAYS
    # Reports a page of /reports and /supervise/reports lists (``?per_page=`` changes it, up to 200).
    reports_page_size: int = 50
    locale: str = DEFAULT_LOCALE
    regime: str = DEFAULT_REGIME
    evaluation: EvaluationSettings = field(default_factory=EvaluationSettings)
    routes: RouteSettings = field(default_factory=RouteSettings)
    # How long (seconds) a dispatcher may undo their own last action on the board (D).
    undo_window_s: float = 30.0
    presence: PresenceSettings = field(default_factory=PresenceSettings)

    def __post_init__(self) -> None:
        if self.locale not in LOCALES:
            raise ValueError(f"unknown locale {self.locale!r}: KUZET_LOCALE is one of {', '.join(LOCALES)}")
        object.__setattr__(self, "regime", resolve_regime_name(self.regime))
