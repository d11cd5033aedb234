"""The real ``kuzet`` command line in a subprocess: what a user sees on the terminal."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

from sqlalchemy import text

from tests.conftest import ROOT


def kuzet(*args: str, env: dict[str, str] | None = None, cwd=ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-c", "from web.cli import main; main()", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_db_upgrade_against_an_unreachable_server_says_so_in_one_line():
    url = f"postgresql+psycopg://kuzet:secret@127.0.0.1:{closed_port()}/kuzet"
    done = kuzet("--database-url", url, "db", "upgrade")
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: cannot reach the database postgresql+psycopg://kuzet:***@127.0.0.1:")
    assert "secret" not in done.stderr and "Traceback" not in done.stderr


def test_db_upgrade_names_the_revision_on_a_line_of_its_own(engine):
    done = kuzet("--database-url", engine.url.render_as_string(hide_password=False), "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("\n")
    assert done.stdout.startswith("database at revision ") and "head" not in done.stdout


# The analysis and map stack: a command that needs none of it must not pay for importing it.
# Listing the commands builds no app either, so not even the models (GeoAlchemy2, shapely) are loaded.
HEAVY = {"geopandas", "pandas", "scipy", "esda", "libpysal", "highspy", "folium", "branca", "spopt",
         "geoalchemy2", "shapely"}
SHOW_HEAVY_AFTER_HELP = f"""
import sys
from web.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
print(sorted({{name.split(".")[0] for name in sys.modules}} & set({sorted(HEAVY)!r})))
"""


def test_kuzet_help_imports_none_of_the_analysis_stack():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SHOW_HEAVY_AFTER_HELP], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *help_lines, imported = done.stdout.splitlines()
    assert imported == "[]"
    assert any(line.split()[:1] == ["serve"] for line in help_lines)  # the commands are all listed


def test_the_command_line_app_has_no_pages_until_it_serves():
    from web import register_pages
    from web.cli import cli_app

    app = cli_app({"DATABASE_URL": "postgresql+psycopg://kuzet@127.0.0.1:1/unused"})
    assert "maps" not in app.blueprints and "auth" in app.blueprints
    register_pages(app)
    register_pages(app)  # once only
    pages = {"api", "maps", "dispatch", "planning", "analysis", "leader", "reports", "accountability"}
    assert pages <= set(app.blueprints)


def test_make_run_serves_with_gunicorn_not_the_development_server(engine):
    """The serve line of `make run`, as written in the Makefile, answers from gunicorn."""
    import re
    import time
    import urllib.request

    line = next(ln for ln in (ROOT / "Makefile").read_text().splitlines() if re.search(r"\bserve\b", ln)
                and "$(KUZET)" in ln)
    args = line.split("serve", 1)[1].split()
    assert "--dev" not in args and "--debug" not in args, line
    port = closed_port()
    args = [a if a != "5000" else str(port) for a in args]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KUZET_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "KUZET_WORKERS": "1", "KUZET_THREADS": "2"}
    server = subprocess.Popen([sys.executable, "-c", "from web.cli import main; main()", "serve", *args], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5)
            except OSError:
                time.sleep(0.3)
        assert answer is not None, server.stdout.read() if server.poll() is not None else "no answer in 60 s"
        assert answer.status == 200 and answer.headers["Server"].startswith("gunicorn"), answer.headers["Server"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def blocks_file(tmp_path):
    """Four square areas in a GeoPackage, ids A to D, and their rook neighbours as a GAL file."""
    import geopandas as gpd
    from shapely.geometry import box

    squares = [box(76.90 + 0.01 * i, 43.22 + 0.01 * j, 76.91 + 0.01 * i, 43.23 + 0.01 * j)
               for i in range(2) for j in range(2)]
    path = tmp_path / "blocks.gpkg"
    gpd.GeoDataFrame({"name": list("abcd"), "POLYID": list("ABCD")}, geometry=squares, crs=4326).to_file(path)
    gal = tmp_path / "blocks.gal"
    gal.write_text("4\nA 2\nB C\nB 2\nA D\nC 2\nA D\nD 2\nB C\n")
    return path, gal


def test_importing_analysis_areas_with_a_weights_file_from_the_command_line(engine, tmp_path):
    path, gal = blocks_file(tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    done = kuzet("--database-url", url, "import", "analysis_area", str(path), "--set", "set_name=cli-blocks",
                 "--weights", str(gal), "--weights-id", "POLYID", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "4 rows of blocks.gpkg" in done.stdout and "dry run, nothing stored" in done.stdout


def test_a_weights_file_naming_unknown_areas_is_refused_in_one_clean_message(engine, tmp_path):
    path, gal = blocks_file(tmp_path)
    gal.write_text("4\nA 2\nB C\nB 1\nA\nC 2\nA X\nX 1\nC\n")  # no D, an X instead
    url = engine.url.render_as_string(hide_password=False)
    done = kuzet("--database-url", url, "import", "analysis_area", str(path), "--set", "set_name=cli-blocks",
                 "--weights", str(gal), "--weights-id", "POLYID")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "blocks.gal: its ids do not match the areas' POLYID" in done.stderr
    assert "1 id of the file names no area: X" in done.stderr and "1 area is not in the file: D" in done.stderr


# Imports of real exports: a user's mistakes end in a report and exit 1, never a traceback.
SCREEN = {"LINES": "40", "COLUMNS": "120"}


def _import(engine, tmp_path, *args: str) -> subprocess.CompletedProcess:
    return kuzet("--database-url", engine.url.render_as_string(hide_password=False), "import", "incident", *args,
                 env=SCREEN, cwd=tmp_path)


def test_a_column_mixing_zoned_and_zone_less_times_ends_in_a_row_report(engine, tmp_path):
    (tmp_path / "mixed.csv").write_text("lon,lat,occurred_at,category\n"
                                        "76.95,43.25,2026-11-01T18:30+05:00,theft\n"
                                        "76.95,43.25,2026-11-01T19:30+05:00,theft\n"
                                        "76.95,43.25,2026-11-01 20:30,theft\n", encoding="utf-8")
    done = _import(engine, tmp_path, "mixed.csv")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "row 3: occurred_at: '2026-11-01 20:30' has no UTC offset, while 2 other rows" in done.stderr


def test_the_mis_dated_export_is_refused_with_the_option_and_read_with_it(engine, tmp_path):
    lines = ["lon,lat,Date,category"] + [
        f"-122.41,37.77,{f'2014/{d:02d}/05' if d <= 12 else f'05/{d:02d}/2014 10:30:00 PM'},theft" for d in range(1, 32)]
    (tmp_path / "may.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _import(engine, tmp_path, "may.csv", "--map", "occurred_at=Date", "--timezone", "America/Los_Angeles")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "'2014/09/05' could be 5 September or 9 May" in done.stderr
    assert "--date-format '%m/%d/%Y %I:%M:%S %p'" in done.stderr
    done = _import(engine, tmp_path, "may.csv", "--map", "occurred_at=Date", "--timezone", "America/Los_Angeles",
                   "--date-format", "%Y/%d/%m", "--date-format", "%m/%d/%Y %I:%M:%S %p", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "31 rows of may.csv (EPSG:4326) validated (dry run, nothing stored)" in done.stdout
    assert "Date: 19 rows read as %m/%d/%Y %I:%M:%S %p, 12 as %Y/%d/%m" in done.stdout


def test_skip_invalid_reports_the_counts_and_writes_the_rejected_rows_beside_the_command(engine, tmp_path):
    import pandas as pd

    lines = ["lon,lat,occurred_at,category"] + [
        (",," if i % 8 == 7 else f"{76.90 + i / 1000:.3f},43.25,") + f"2026-11-01 10:{i:02d},theft" for i in range(57)]
    (tmp_path / "export.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _import(engine, tmp_path, "export.csv", "--skip-invalid", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "50 rows would be stored, 7 rejected (written to export.rejected.csv)" in done.stdout
    assert "7 × lat: missing coordinate" in done.stdout
    rejected = pd.read_csv(tmp_path / "export.rejected.csv")
    assert rejected["row"].tolist() == [8, 16, 24, 32, 40, 48, 56]
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM incident")) == 0
    (tmp_path / "nothing.csv").write_text("lon,lat,occurred_at,category\n,,2026-11-01,theft\n", encoding="utf-8")
    done = _import(engine, tmp_path, "nothing.csv", "--skip-invalid", "--rejected", "r.csv")
    assert done.returncode == 1 and "every row" in done.stderr and not (tmp_path / "r.csv").exists()


def test_a_report_longer_than_the_screen_is_written_in_full_to_a_file(engine, tmp_path):
    lines = ["lon,lat,occurred_at,category"] + [f"76.95,43.25,{d:02d}/11/2026,theft" for d in range(1, 31)] * 10
    (tmp_path / "long.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _import(engine, tmp_path, "long.csv")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    shown = done.stderr.splitlines()
    assert len(shown) <= 40
    # the message, 300 rows, the counts' heading and three kinds: two readings, only one, the same (11/11)
    assert shown[-1] == f"the full report ({1 + 300 + 1 + 3:,} lines) is in long.import-report.txt"
    assert any(line.startswith("  ... and ") for line in shown)
    assert any("× e.g. occurred_at: '01/11/2026' could be 11 January or 1 November" in line for line in shown)
    written = (tmp_path / "long.import-report.txt").read_text(encoding="utf-8").splitlines()
    assert [int(line.split()[1].rstrip(":")) for line in written if line.startswith("  row ")] == list(range(1, 301))
    done = _import(engine, tmp_path, "long.csv", "--report", "elsewhere.txt", "--dry-run")
    assert done.returncode == 1 and (tmp_path / "elsewhere.txt").read_text(encoding="utf-8").splitlines() == written
