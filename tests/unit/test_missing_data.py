"""Without the real data a test skips, but under CI (CI=true) the run fails: a broken checkout
cannot pass green."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

# A real-data test that needs nothing but the data folder (no database).
REALDATA_TEST = "tests/realdata/test_demo_incidents_almaty.py"


def run_without_data(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    environ.update(KUZET_SHARED_DATA="/nonexistent/shared/data", PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rsf", REALDATA_TEST],
                          cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300)


def test_without_the_data_a_real_data_test_skips():
    done = run_without_data()
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout and "/nonexistent/shared/data" in done.stdout


def test_under_ci_without_the_data_the_run_fails():
    done = run_without_data(CI="true")
    assert done.returncode == 1, done.stdout
    assert "1 error" in done.stdout and "skipped" not in done.stdout
    assert "CI: real data not found at /nonexistent/shared/data" in done.stdout
