"""The leader's calendar address: made and stopped on /my/shifts, served with no sign-in as iCalendar
that the ``icalendar`` package (not ours) reads back — the formation's shifts only, times exact."""
from __future__ import annotations

import re
from datetime import timezone

from icalendar import Calendar
from sqlalchemy import select

from geo.db.models import Assignment, CalendarFeed
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)


def new_address(client) -> str:
    made = client.post("/my/calendar")
    assert made.status_code == 302 and made.headers["Location"].endswith("/my/shifts#calendar")
    html = client.get("/my/shifts").get_data(as_text=True)
    [url] = re.findall(r'class="feed-url" value="([^"]+)"', html)
    assert "/calendar/" in url and url.endswith(".ics")
    again = client.get("/my/shifts").get_data(as_text=True)
    assert url not in again and 'class="feed-url"' not in again  # shown once
    return url.split("localhost", 1)[-1]


def test_a_leader_subscribes_to_their_shifts_and_a_calendar_reads_them(app, as_user, lw, session):
    path = new_address(as_user("leader"))
    answer = app.test_client().get(path)  # a phone calendar: no cookie, no sign-in
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    cal = Calendar.from_ical(answer.data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"assignment-{lw.upcoming}@kuzet", f"assignment-{lw.past}@kuzet"}  # not lw.other
    stored = session.get(Assignment, lw.upcoming)
    event = events[f"assignment-{lw.upcoming}@kuzet"]
    assert event.decoded("dtstart") == stored.shift.lower.astimezone(timezone.utc)
    assert event.decoded("dtend") == stored.shift.upper.astimezone(timezone.utc)
    assert str(event["status"]) == "CONFIRMED" and "Capt. Abenov" in str(event["description"])
    assert str(event["summary"]).startswith(stored.activity)


def test_a_new_address_stops_the_old_and_stopping_answers_404(app, as_user, lw, session):
    leader = as_user("leader")
    first = new_address(leader)
    second = new_address(leader)
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 404 and anonymous.get(second).status_code == 200
    assert leader.post("/my/calendar/stop").status_code == 302
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/calendar/guessed-secret.ics").status_code == 404
    feeds = session.scalars(select(CalendarFeed)).all()
    assert len(feeds) == 2 and all(f.revoked_at is not None for f in feeds)
    assert all(len(f.secret_sha256) == 64 and f.secret_sha256 not in (first, second) for f in feeds)


def test_only_shift_holders_get_an_address(as_user, lw):
    assert as_user("dispatcher").post("/my/calendar").status_code == 403
