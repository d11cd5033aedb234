"""The overview map at city scale: time to the first incident features drawn, warm tile p95, page size.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_map.py [--sizes 10000 100000 1000000] [--seed 7]
        [--server postgresql+psycopg://kuzet@127.0.0.1:5435/kuzet] [--port 5111] [--chromium /usr/bin/chromium]

For each size, ``seed.seed_incidents`` makes (or reuses) ``kuzet_bench_<n>_<seed>``, a dispatcher
``bench.map`` is added if missing, ``kuzet serve`` serves it, and Debian's headless chromium signs in
and opens ``/``: "first features" is the time from the navigation's start to the first incident
feature drawn from the vector tiles, read from the page's performance timeline (kuzet-tiles.js marks
``kuzet-first-feature-incident`` and ``<body data-tile-features-incident>``, waited for with a
locator: no eval under the page's CSP), with the page's first byte, its scripts run and the first
incident tile's request and response beside it. Then 200 tile requests over the city's tiles at zooms
11–14, every tile fetched once before (warm: database pages cached), give the tile p50/p95.
Targets: first features < 1 s at 10^6, warm tile p95 < 100 ms, page < 1 MB.
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed import ALMATY, seed_incidents  # noqa: E402

from geo.access import SYSTEM  # noqa: E402
from geo.db import make_engine  # noqa: E402
from geo.db.models import UserAccount  # noqa: E402
from geo.services.accounts import create_user  # noqa: E402

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


def measure(n: int, base: str, chromium: str) -> dict:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
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
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        browser.close()
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
    return {"n": n, "first_s": timing["first"] / 1000, "html_s": timing["html"] / 1000,
            "dom_s": timing["dom"] / 1000, "tile_start_s": timing["tile_start"] / 1000,
            "tile_end_s": timing["tile_end"] / 1000, "page_kb": (sizes[0] if sizes else float("nan")) / 1024,
            "p50_ms": statistics.median(times) * 1000, "p95_ms": times[int(0.95 * len(times)) - 1] * 1000,
            "tile_kb": max(nbytes) / 1024, "tiles": len(tiles)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--server", default="postgresql+psycopg://kuzet@127.0.0.1:5435/kuzet")
    parser.add_argument("--port", type=int, default=5111)
    parser.add_argument("--chromium", default=os.environ.get("KUZET_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        url = seed_incidents(args.server, n, seed=args.seed)
        ensure_user(url)
        proc = serve(url, args.port)
        try:
            rows.append(measure(n, f"http://127.0.0.1:{args.port}", args.chromium))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"{'incidents':>10} {'first features s':>17} {'html s':>7} {'scripts s':>9} {'tile req s':>10}"
          f" {'tile resp s':>11} {'page KB':>8} {'tile p50 ms':>12} {'tile p95 ms':>12} {'largest tile KB':>16}")
    for r in rows:
        print(f"{r['n']:>10,} {r['first_s']:>17.3f} {r['html_s']:>7.3f} {r['dom_s']:>9.3f} {r['tile_start_s']:>10.3f}"
              f" {r['tile_end_s']:>11.3f} {r['page_kb']:>8.1f} {r['p50_ms']:>12.1f} {r['p95_ms']:>12.1f}"
              f" {r['tile_kb']:>16.1f}")
    print("(times from navigation start: the page's first byte, its scripts run, the first incident tile"
          " requested and received, its first feature drawn)")
    print(f"({rows[0]['tiles']} tiles over the city at zooms {ZOOMS[0]}–{ZOOMS[-1]}, {REQUESTS} warm requests, gzip)")


if __name__ == "__main__":
    main()
