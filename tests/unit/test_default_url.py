"""The app's default database URL is the one scripts/pg.sh prints, under the same KUZET_PG_PORT."""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import ROOT
from web import create_app
from web.config import settings


def pg_sh_url(env: dict[str, str]) -> str:
    done = subprocess.run([str(ROOT / "scripts" / "pg.sh"), "url"], env=env, capture_output=True, text=True,
                          check=True, timeout=30)
    return done.stdout.strip()


@pytest.mark.parametrize("port", [None, "5434"])
def test_app_and_pg_sh_agree_on_the_default_url(monkeypatch, port):
    monkeypatch.delenv("KUZET_DATABASE_URL", raising=False)
    if port is None:
        monkeypatch.delenv("KUZET_PG_PORT", raising=False)
    else:
        monkeypatch.setenv("KUZET_PG_PORT", port)
    app_url = settings(create_app()).database_url
    assert app_url == pg_sh_url(dict(os.environ))
    if port:
        assert f":{port}/" in app_url


def test_a_database_url_wins_over_the_port(monkeypatch):
    url = "postgresql+psycopg://someone@db.example:6543/elsewhere"
    monkeypatch.setenv("KUZET_DATABASE_URL", url)
    monkeypatch.setenv("KUZET_PG_PORT", "5434")
    assert settings(create_app()).database_url == url == pg_sh_url(dict(os.environ))
