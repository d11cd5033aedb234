"""Load: 50 concurrent signed-in users for 60 s against the map page, the bbox GeoJSON endpoint and
the API's list endpoints, through locust (``pip install -e '.[bench]'``), loopback only.

Run by hand (not part of the tests) against a running server, e.g. ``kuzet serve --port 5101`` on
the demo database::

    .venv/bin/python benchmarks/bench_load.py --host http://127.0.0.1:5101 \\
        [--users 50] [--duration 60] [--login admin] [--accounts-file var/demo-accounts.txt] [--skip-map]

Each user signs in once (its own session, as a browser would), requests with no pause between
requests (a closed loop of ``--users`` connections) and signs out at the end. Prints requests/s,
p50/p95/p99 per endpoint and the error count; exits 1 when any request failed.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

# Central Almaty, about 11 x 11 km: a dispatcher's usual view of the incident layer.
BBOX = "76.87,43.20,77.00,43.29"
LIST_ENDPOINTS = ["/api/v1/layers", "/api/v1/assignments", "/api/v1/reports", "/api/v1/analyses"]
CSRF = re.compile(r'name="csrf[_-]token"[^>]*(?:value|content)="([^"]+)"')

if __name__ != "__main__":  # imported by locust as its locustfile
    from locust import HttpUser, constant, task

    class KuzetUser(HttpUser):
        wait_time = constant(0)

        def _csrf(self, path: str) -> str:
            match = CSRF.search(self.client.get(path, name=f"(sign-in) {path}").text)
            return match.group(1) if match else ""

        def on_start(self) -> None:
            self.token = self._csrf("/login")  # the session keeps it across the sign-in
            form = {"login": os.environ["KUZET_BENCH_LOGIN"], "password": os.environ["KUZET_BENCH_PASSWORD"],
                    "csrf_token": self.token}
            with self.client.post("/login", data=form, name="(sign-in) POST /login", allow_redirects=False,
                                  catch_response=True) as response:
                if response.status_code != 302:
                    response.failure(f"sign-in answered {response.status_code}")

        def on_stop(self) -> None:
            self.client.post("/logout", data={"csrf_token": self.token}, name="(sign-out) POST /logout",
                             allow_redirects=False)

        def map_page(self) -> None:
            self.client.get("/", name="/ (map page)")

        if os.environ.get("KUZET_BENCH_SKIP_MAP") != "1":
            map_page = task(2)(map_page)

        @task(4)
        def bbox(self) -> None:
            self.client.get(f"/api/v1/layers/incident?bbox={BBOX}", name="/api/v1/layers/incident?bbox")

        @task(4)
        def lists(self) -> None:
            for path in LIST_ENDPOINTS:
                self.client.get(path)


def password_of(accounts_file: Path, login: str) -> str:
    for line in accounts_file.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == login:
            return parts[1]
    sys.exit(f"bench_load: no account {login!r} in {accounts_file}")


def report(stats_csv: Path, seconds: float) -> int:
    """Print the table of locust's statistics; the number of failed requests."""
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    print(f"{'endpoint':<36} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    errors = 0
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        errors += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        print(f"{name:<36} {row['Request Count']:>8} {row['Failure Count']:>6} {float(row['Requests/s']):>7.1f} "
              f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")
    print(f"{errors} errors in {seconds:.0f} s")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="http://127.0.0.1:5000")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (connections)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--accounts-file", type=Path, default=Path("var/demo-accounts.txt"))
    parser.add_argument("--skip-map", action="store_true", help="leave the map page out (to see what it costs)")
    args = parser.parse_args()
    if urlsplit(args.host).hostname not in {"127.0.0.1", "localhost", "::1"}:
        sys.exit("bench_load: loopback only (--host http://127.0.0.1:PORT)")
    env = {**os.environ, "KUZET_BENCH_LOGIN": args.login,
           "KUZET_BENCH_PASSWORD": password_of(args.accounts_file, args.login),
           "KUZET_BENCH_SKIP_MAP": "1" if args.skip_map else "0"}
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "load"
        command = [sys.executable, "-m", "locust", "-f", __file__, "--headless", "--host", args.host,
                   "--users", str(args.users), "--spawn-rate", str(args.users), "--run-time", f"{args.duration}s",
                   "--stop-timeout", "60", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
        run = subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            sys.exit(f"bench_load: locust failed (exit status {run.returncode}):\n{run.stderr[-2000:]}")
        errors = report(stats, args.duration)
        if errors:
            failures = Path(f"{prefix}_failures.csv").read_text(encoding="utf-8")
            print(failures[:2000])
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
