"""The app served on 127.0.0.1 over a filled demo database, driven by Debian's headless chromium."""
from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box
from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from geo import services
from geo.access import SYSTEM
from geo.db import make_engine, migrate
from geo.progress import silent

from tests.conftest import TEST_PASSWORD, add_user
from tests.support.demo_people import ensure_people

DEMO_URL = os.environ.get("KUZET_TEST_DEMO_DATABASE_URL",
                          "postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet_test_demo")
CHROMIUM = os.environ.get("KUZET_CHROMIUM", "/usr/bin/chromium")
# Service workers' own requests go through the context's network (set_offline, route): the offline
# pages' test (test_pwa_offline.py) needs it; read by Playwright's driver when it starts.
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
XSS = "<img src=x onerror=alert(1)>"


def _frame(rows: list[dict], geometries: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geometries, crs=4326)


def _add(session: Session, layer: str, rows: list[dict], geometries: list) -> None:
    services.import_frame(session, layer, _frame(rows, geometries), name=f"browser-test {layer}", actor=SYSTEM)


def fill_small(session: Session, data_dir: Path) -> None:
    """Almaty's districts and a few rows of the other layers (until geo.demo.load_demo exists)."""
    services.import_layer(session, "district", data_dir / "almaty" / "almaty_districts.geojson", actor=SYSTEM)
    session.flush()
    districts = services.layer_features(session, "district", limit=20, viewer=SYSTEM).frame
    almaly = districts.set_index("name").geometry["Almaly"]
    _add(session, "police_unit", [{"name": "Almaly district police", "district": "Almaly", "phone": "102",
                         "station": "76.9286 43.2567"}], [almaly])
    _add(session, "public_place", [{"name": "Republic Square", "kind": "square"}], [Point(76.9458, 43.2381)])
    _add(session, "pasture", [{"name": "Foothill pasture"}], [box(76.85, 43.15, 76.87, 43.17)])
    _add(session, "campus", [{"name": "Satbayev University", "kind": "university", "buffer_m": 200}],
        [box(76.925, 43.235, 76.930, 43.239)])
    _add(session, "event", [{"name": "City Day concert", "kind": "cultural", "starts_at": "2026-09-12 18:00",
                   "ends_at": "2026-09-12 23:00", "expected_attendance": 20000, "venue": "Old Square"}],
        [box(76.944, 43.236, 76.948, 43.240)])
    _add(session, "formation", [{"name": "Almaly volunteers", "base_type": "residence", "notified_unit":
                       "Almaly district police", "notified_on": "2026-01-15", "notification_ref": "N-12"}],
        [box(76.90, 43.25, 76.92, 43.26)])
    _add(session, "incident", [{"occurred_at": f"2026-11-0{i + 1} 21:00", "category": "theft",
                      "source": "synthetic-demo" if i % 2 else "police-record"} for i in range(6)],
        [Point(76.90 + 0.01 * i, 43.26) for i in range(6)])


def fill(session: Session, data_dir: Path) -> None:
    """The demo data set when geo.demo provides it, else a small stand-in; then a hostile name."""
    try:
        demo = importlib.import_module("geo.demo")
    except ImportError:
        demo = None
    if demo is not None and hasattr(demo, "load_demo"):
        demo.load_demo(session, data_dir, seed=641, progress=silent, replace=True)
    else:
        fill_small(session, data_dir)
    ensure_people(session)  # a demo without officers and members still lets the dispatcher work
    add_user(session, "admin", ["admin"])
    _add(session, "patrol_zone", [{"name": XSS, "note": XSS}], [box(76.80, 43.05, 76.82, 43.07)])


@pytest.fixture
def hostile_name() -> str:
    """The patrol zone name (and note) the demo database holds to test escaping."""
    return XSS


@pytest.fixture(scope="session")
def demo_app(shared_data):
    """The app over kuzet_test_demo, reset, migrated and filled once per run."""
    engine = make_engine(DEMO_URL)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except Exception as exc:
        pytest.exit(f"demo test database {DEMO_URL} is not reachable ({exc})", returncode=3)
    migrate.upgrade(engine.url.render_as_string(hide_password=False))
    with Session(engine) as session:
        fill(session, shared_data)
        session.commit()
    engine.dispose()
    from web import create_app

    return create_app({"TESTING": True, "DATABASE_URL": DEMO_URL, "LOCALE": "en"})


@pytest.fixture(scope="session")
def live_server(demo_app) -> Iterator[str]:
    """The base URL of the app served by werkzeug on a free port of 127.0.0.1."""
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (set KUZET_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watched:
    """A page and everything it logged and requested."""

    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def sign_in(page, base: str, login: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("main.login button[type=submit]")  # not the language switch's buttons
    page.wait_for_url(lambda url: "/login" not in url)


def watch(browser, base: str, login: str, **context_options):
    """A new browser context signed in as ``login``, its page watched for errors and requests.

    Returns ``(context, watched)``; the caller closes the context.
    """
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 860}} | context_options))
    page = context.new_page()
    w = Watched(page)
    page.on("console", lambda msg: w.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: w.errors.append(f"pageerror: {exc}"))
    page.on("request", lambda request: w.requests.append(request.url))
    sign_in(page, base, login)
    return context, w


@pytest.fixture
def watched(browser, live_server) -> Iterator[Watched]:
    """A page signed in as the administrator, watched for errors and outside requests."""
    context, w = watch(browser, live_server, "admin")
    yield w
    context.close()
