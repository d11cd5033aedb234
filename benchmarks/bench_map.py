"""The overview map at city scale: time to the first incident features drawn, warm tile p95, page size.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_map.py [--sizes 10000 100000 1000000] [--seed 7]
        [--server postgresql+psycopg://kuzet@127.0.0.1:5435/kuzet] [--port 5111] [--chromium /usr/bin/chromium]
        [--prefix kuzet_bench] [--no-peer] [--city ../shared/data] [--loads 5]

For each size, ``seed.seed_incidents`` makes (or reuses) ``<prefix>_<n>_<seed>`` (with ``--city``:
``seed.seed_with_demo``'s ``kuzet_bench_plan_<n>_<seed>``, the Almaty demo's districts, units,
formations, zones and places over the seeded incidents — the page a city's dispatcher opens), a dispatcher
``bench.map`` is added if missing, ``kuzet serve`` serves it, and Debian's headless chromium signs in
and opens ``/``: "first features" is the time from the navigation's start to the first incident
feature drawn from the vector tiles, read from the page's performance timeline (kuzet-tiles.js marks
``kuzet-first-feature-incident`` and ``<body data-tile-features-incident>``, waited for with a
locator: no eval under the page's CSP), with the page's first byte, its scripts run and the first
incident tile's request and response beside it. Then 200 tile requests over the city's tiles at zooms
11–14, every tile fetched once before (warm: database pages cached), give the tile p50/p95.
Targets: first features < 1 s at 10^6, warm tile p95 < 100 ms, page < 1 MB.

The peer, measured in the same run: folium's ``FastMarkerCluster`` page of the same incidents (every
point embedded in the page as ``[lat, lon]`` at 6 decimals, clustered in the browser by
Leaflet.markercluster, the assets vendored in web/static), served as a file by a local HTTP server in
the same chromium: its page size and the time from the navigation's start to the first marker (or
cluster) in the map, with ratios to kuzet's tiles.
"""
from __future__ import annotations

import argparse
import functools
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import folium
import requests
from branca.element import Element
from folium.plugins import FastMarkerCluster
from playwright.sync_api import sync_playwright
from sqlalchemy import text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed import ALMATY, seed_incidents, seed_with_demo  # noqa: E402

from geo.access import SYSTEM  # noqa: E402
from geo.db import make_engine  # noqa: E402
from geo.db.models import UserAccount  # noqa: E402
from geo.services.accounts import create_user  # noqa: E402
from web.maps.assets import localize  # noqa: E402

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"

LOGIN, PASSWORD = "bench.map", "bench-map-password-1"
ZOOMS = (11, 12, 13, 14)
REQUESTS = 200
# From navigation start (ms): the page's first byte, its scripts run (DOMContentLoaded), the first
# incident tile's request and response, and the first incident feature drawn (kuzet-tiles.js marks it).
TIMELINE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const tiles = performance.getEntriesByType("resource").filter(e => e.name.includes("/tiles/incident/"));
  const mark = performance.getEntriesByName("kuzet-first-feature-incident")[0];
  return {html: nav.responseStart, dom: nav.domContentLoadedEventEnd,
          tile_start: tiles.length ? Math.min(...tiles.map(e => e.startTime)) : NaN,
          tile_end: tiles.length ? Math.min(...tiles.map(e => e.responseEnd)) : NaN,
          first: mark ? mark.startTime : NaN};
}"""


# The peer page marks its first marker (or cluster) added to the map in its performance timeline.
PEER_MARK = """<script>
new MutationObserver(function (_m, observer) {
  if (document.querySelector(".leaflet-marker-icon")) {
    performance.mark("peer-first-marker");
    document.body.dataset.peerMarkers = "1";
    observer.disconnect();
  }
}).observe(document.documentElement, {childList: true, subtree: true});
</script>"""
PEER_TIMELINE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const mark = performance.getEntriesByName("peer-first-marker")[0];
  return {html: nav.responseStart, dom: nav.domContentLoadedEventEnd, first: mark ? mark.startTime : NaN};
}"""
PEER_TIMEOUT_S = 180


def ensure_user(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        if session.query(UserAccount).filter_by(login=LOGIN).first() is None:
            create_user(session, SYSTEM, login=LOGIN, full_name="Map benchmark", password=PASSWORD,
                        roles=["dispatcher"])
            session.commit()
    engine.dispose()


def tiles_over_city() -> list[tuple[int, int, int]]:
    minx, miny, maxx, maxy = ALMATY

    def tile(lon, lat, z):
        n = 2 ** z
        return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)

    out = []
    for z in ZOOMS:
        x0, y0 = tile(minx, maxy, z)
        x1, y1 = tile(maxx, miny, z)
        out += [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return out


def serve(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "KUZET_DATABASE_URL": url}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("kuzet")), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):  # a loaded machine boots the workers slowly
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=5)
            return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("bench_map: the server did not start")


def peer_page(url: str, directory: Path) -> int:
    """Write folium's FastMarkerCluster page of every incident of ``url`` to ``directory``/peer.html
    (assets under ``/static``); its size in bytes."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT round(ST_Y(geom)::numeric, 6)::float8, round(ST_X(geom)::numeric, 6)::float8"
                                 " FROM incident")).all()
    engine.dispose()
    minx, miny, maxx, maxy = ALMATY
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=11, tiles=None,
                   maxZoom=18)  # markercluster needs the map's maxZoom (no tile layer gives it)
    FastMarkerCluster([list(r) for r in rows], callback="function (row) {"
                      " return L.marker(new L.LatLng(row[0], row[1])); }").add_to(m)
    figure = m.get_root()
    figure.header.add_child(Element(PEER_MARK), name="peer_mark")
    localize(figure, static_url=lambda name: f"/static/{name}")
    path = directory / "peer.html"
    m.save(str(path))
    return path.stat().st_size


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no line per request
        pass


def serve_peer(directory: Path) -> ThreadingHTTPServer:
    """A local HTTP server of ``directory`` (the peer page, ``static`` linked to web/static)."""
    (directory / "static").symlink_to(STATIC)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure_peer(url: str, chromium: str) -> dict:
    """The FastMarkerCluster page of ``url``'s incidents: its size and first marker (NaN: none in
    ``PEER_TIMEOUT_S``)."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        size = peer_page(url, directory)
        server = serve_peer(directory)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/peer.html", wait_until="commit",
                          timeout=PEER_TIMEOUT_S * 1000)
                try:
                    page.locator("body[data-peer-markers]").wait_for(state="attached", timeout=PEER_TIMEOUT_S * 1000)
                    timing = page.evaluate(PEER_TIMELINE)
                except Exception:  # noqa: BLE001  (a timeout: the page never drew a marker)
                    timing = {"first": float("nan"), "html": float("nan"), "dom": float("nan")}
                browser.close()
        finally:
            server.shutdown()
    return {"peer_first_s": timing["first"] / 1000, "peer_dom_s": timing["dom"] / 1000, "peer_kb": size / 1024}


def load_once(browser, base: str) -> tuple[dict, int | None, dict]:
    """One sign-in and one opening of "/" in a fresh context: the timeline, the page's size, the cookies."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    # Signed in on a page without the map: the measured navigation finds idle workers and a cold
    # tile cache (landing on "/" would leave its tiles being counted while "/" is measured).
    page.goto(base + "/login?next=/account/tokens")
    page.fill("input[name=login]", LOGIN)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")
    sizes = []
    page.on("response", lambda r: sizes.append(len(r.body())) if r.url.rstrip("/") == base else None)
    page.goto(base + "/", wait_until="commit")
    page.locator("body[data-tile-features-incident]").wait_for(timeout=60000)
    timing = page.evaluate(TIMELINE)  # the page's own performance timeline (CDP: no eval under its CSP)
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    context.close()
    return timing, (sizes[0] if sizes else None), cookies


def measure(n: int, base: str, chromium: str, loads: int = 5) -> dict:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        runs = [load_once(browser, base) for _ in range(loads)]
        browser.close()
    firsts = sorted(t["first"] for t, _size, _c in runs)
    timing = sorted((t for t, _s, _c in runs), key=lambda t: t["first"])[(len(runs) - 1) // 2]  # the median load
    size, cookies = runs[0][1], runs[0][2]
    http = requests.Session()
    http.cookies.update(cookies)
    tiles = tiles_over_city()
    for z, x, y in tiles:  # warm
        http.get(f"{base}/tiles/incident/{z}/{x}/{y}.mvt", headers={"Accept-Encoding": "gzip"})
    times, nbytes = [], []
    for i in range(REQUESTS):
        z, x, y = tiles[i % len(tiles)]
        t0 = time.perf_counter()
        r = http.get(f"{base}/tiles/incident/{z}/{x}/{y}.mvt", headers={"Accept-Encoding": "gzip"})
        times.append(time.perf_counter() - t0)
        nbytes.append(len(r.content))
    times.sort()
    return {"n": n, "first_s": timing["first"] / 1000, "first_max_s": firsts[-1] / 1000, "loads": len(runs),
            "html_s": timing["html"] / 1000,
            "dom_s": timing["dom"] / 1000, "tile_start_s": timing["tile_start"] / 1000,
            "tile_end_s": timing["tile_end"] / 1000, "page_kb": (size if size is not None else float("nan")) / 1024,
            "p50_ms": statistics.median(times) * 1000, "p95_ms": times[int(0.95 * len(times)) - 1] * 1000,
            "tile_kb": max(nbytes) / 1024, "tiles": len(tiles)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--server", default="postgresql+psycopg://kuzet@127.0.0.1:5435/kuzet")
    parser.add_argument("--port", type=int, default=5111)
    parser.add_argument("--chromium", default=os.environ.get("KUZET_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--prefix", default="kuzet_bench", help="the databases are <prefix>_<n>_<seed>")
    parser.add_argument("--no-peer", action="store_true", help="skip the FastMarkerCluster page")
    parser.add_argument("--city", type=Path, metavar="DATA_DIR",
                        help="seed over the Almaty demo loaded from DATA_DIR (../shared/data): a city's page")
    parser.add_argument("--loads", type=int, default=5, help="sign-ins measured per size (median, slowest)")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        url = (seed_with_demo(args.server, n, seed=args.seed, data_dir=args.city) if args.city
               else seed_incidents(args.server, n, seed=args.seed, prefix=args.prefix))
        ensure_user(url)
        proc = serve(url, args.port)
        try:
            rows.append(measure(n, f"http://127.0.0.1:{args.port}", args.chromium, args.loads))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        if not args.no_peer:
            rows[-1].update(measure_peer(url, args.chromium))
    print(f"{'incidents':>10} {'first features s':>17} {'slowest s':>9} {'html s':>7} {'scripts s':>9} {'tile req s':>10}"
          f" {'tile resp s':>11} {'page KB':>8} {'tile p50 ms':>12} {'tile p95 ms':>12} {'largest tile KB':>16}")
    for r in rows:
        print(f"{r['n']:>10,} {r['first_s']:>17.3f} {r['first_max_s']:>9.3f} {r['html_s']:>7.3f} {r['dom_s']:>9.3f} {r['tile_start_s']:>10.3f}"
              f" {r['tile_end_s']:>11.3f} {r['page_kb']:>8.1f} {r['p50_ms']:>12.1f} {r['p95_ms']:>12.1f}"
              f" {r['tile_kb']:>16.1f}")
    print(f"(times from navigation start, the median of {rows[0]['loads']} sign-ins: the page's first byte, its"
          " scripts run, the first incident tile requested and received, its first feature drawn; slowest:"
          " the slowest sign-in's first feature)")
    print("(" + (f"over the Almaty demo from {args.city}" if args.city else "incidents only") + ")")
    print(f"({rows[0]['tiles']} tiles over the city at zooms {ZOOMS[0]}–{ZOOMS[-1]}, {REQUESTS} warm requests, gzip)")
    if args.no_peer:
        return
    print(f"\n{'incidents':>10} {'peer first markers s':>21} {'peer scripts s':>15} {'peer page KB':>13}"
          f" {'first: peer / kuzet':>20} {'page: peer / kuzet':>19}")
    for r in rows:
        print(f"{r['n']:>10,} {r['peer_first_s']:>21.3f} {r['peer_dom_s']:>15.3f} {r['peer_kb']:>13.0f}"
              f" {r['peer_first_s'] / r['first_s']:>20.1f} {r['peer_kb'] / r['page_kb']:>19.0f}")
    print(f"(peer: folium FastMarkerCluster of the same incidents, every point in the page; NaN: no marker"
          f" in {PEER_TIMEOUT_S} s)")


if __name__ == "__main__":
    main()
