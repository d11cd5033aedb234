"""Each service package imports on its own, first in a fresh interpreter (a notebook or the CLI may
import any of them first): no circular import hides behind the order the web app happens to use."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geo.services

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(f"geo.services.{m.name}" for m in pkgutil.iter_modules(geo.services.__path__) if m.ispkg)


def _import_alone(name: str) -> tuple[str, int, str]:
    done = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=ROOT, capture_output=True, text=True)
    return name, done.returncode, done.stderr.strip().splitlines()[-1:] and done.stderr.strip().splitlines()[-1]


def test_every_service_package_imports_first_in_a_fresh_interpreter():
    assert "geo.services.dispatch" in PACKAGES and "geo.services.field" in PACKAGES
    with ThreadPoolExecutor(max_workers=4) as pool:
        failed = [(name, err) for name, code, err in pool.map(_import_alone, PACKAGES) if code != 0]
    assert failed == []
