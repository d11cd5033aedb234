"""Dates, times and numbers on pages in the reader's format (issue 14): day first, 24-hour time, the
regime's zone (Asia/Almaty), the locale's decimal sign; the API keeps ISO 8601 and dot decimals."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from tests.conftest import make_app
from tests.web.test_analysis_api import incidents  # noqa: F401 (the module's incidents fixture)
from tests.web.test_place_names import reader
from web.formats import format_clock, format_day, format_moment, format_number

MOMENT = datetime(2026, 12, 2, 15, 39, tzinfo=timezone.utc)  # 20:39 in Almaty (UTC+5)


@pytest.fixture
def app(connection):
    return make_app(connection)


@pytest.mark.parametrize("locale, moment, day, number", [
    ("ru", "02.12.2026 20:39", "15.01.2026", "1\u00a0234,5"),
    ("kk", "02.12.2026 20:39", "15.01.2026", "1\u00a0234,5"),
    ("en", "2 Dec 2026 20:39", "15 Jan 2026", "1,234.5"),
])
def test_moments_read_day_first_24_hour_in_the_regimes_zone_and_decimals_in_the_locales_sign(
        app, locale, moment, day, number):
    with app.test_request_context(), force_locale(locale):
        assert format_moment(MOMENT) == moment
        assert format_moment(MOMENT.isoformat()) == moment  # ISO text as the services give it
        assert format_moment(MOMENT.astimezone(ZoneInfo("America/Los_Angeles"))) == moment  # any zone in
        assert format_clock(MOMENT) == "20:39"
        assert format_day(date(2026, 1, 15)) == day
        assert format_number(1234.5, 1) == number
        assert format_number(None) == "–"


def test_a_moment_is_shown_in_the_configured_zone(connection):
    app = make_app(connection, TIMEZONE="Europe/London")
    with app.test_request_context(), force_locale("ru"):
        assert format_moment(MOMENT) == "02.12.2026 15:39"


def _shown_run(connection, session, locale: str) -> tuple[str, dict]:
    client = reader(connection, session, locale)
    run = client.post("/api/v1/analyses", json={"method": "gi_star", "cell_size_m": 300}).get_json()
    html = client.get(f"/analysis?run={run['id']}").get_data(as_text=True)
    return html, run


def test_the_analysis_page_shows_a_runs_time_in_almaty_not_utc(connection, session, incidents):  # noqa: F811
    html, run = _shown_run(connection, session, "ru")
    created = datetime.fromisoformat(run["created_at"])  # the API keeps ISO 8601
    local, utc = created.astimezone(ZoneInfo("Asia/Almaty")), created.astimezone(timezone.utc)
    shown = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', html)
    assert datetime.fromisoformat(shown[1]) == created  # the machine-readable moment beside it
    assert shown[2] == local.strftime("%d.%m.%Y %H:%M")
    assert utc.strftime("%H:%M") not in shown[2] and utc.strftime("%Y-%m-%d %H:%M") not in html
    # numbers with the Russian decimal comma: the run's seconds, the z of the hot spots
    assert re.search(r"· \d+,\d\d с", html)  # seconds, in Russian "с"
    assert re.search(r"<td>-?\d+,\d\d</td>", html)
    assert not re.search(r"<td>-?\d+\.\d\d</td>", html)


def test_the_analysis_page_in_english_stays_readable(connection, session, incidents):  # noqa: F811
    html, run = _shown_run(connection, session, "en")
    local = datetime.fromisoformat(run["created_at"]).astimezone(ZoneInfo("Asia/Almaty"))
    assert f"{local.day} {local.strftime('%b %Y %H:%M')}" in html
    assert re.search(r"<td>-?\d+\.\d\d</td>", html)
    assert re.search(r"\d+(,\d{3})* incidents", html)
