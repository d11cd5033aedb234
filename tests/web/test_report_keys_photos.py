"""A report filed from a phone: stored once per device key (a resend answers the stored one), linked
to one of the filer's own shifts, with photos checked by their content, within a size limit, and
stored without their EXIF (GPS among it)."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import func, select

from geo.db.models import FieldReport, ReportPhoto
from tests.conftest import make_app, sign_in
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)
from tests.support.leader_world import INSIDE

JSON = {"Accept": "application/json"}


def _local(delta: timedelta = timedelta(hours=-1)) -> str:
    return (datetime.now(ZoneInfo("Asia/Almaty")) + delta).strftime("%Y-%m-%dT%H:%M")


def _form(**changes) -> dict:
    return {"category": "order-demand", "lon": str(INSIDE[0]), "lat": str(INSIDE[1]), "observed_at": _local(),
            "description": "Stopped a fight at the bus stop", "location_source": "map"} | changes


def _count(session, model=FieldReport) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _jpeg(*, gps: bool = False, size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "PhoneMaker"  # Make
        exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 55.0, 0.0)})  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def _photos(*items):
    return [(io.BytesIO(data), name) for name, data in items]


def test_a_report_sent_again_with_its_key_is_stored_once_and_answers_the_stored_one(as_user, lw, session):
    leader, key = as_user("leader"), str(uuid.uuid4())
    first = leader.post("/reports/new", data=_form(client_key=key), headers=JSON)
    assert first.status_code == 201, first.get_json()
    again = leader.post("/reports/new", data=_form(client_key=key, description="sent again"), headers=JSON)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["stored_now"] is False and again.get_json()["description"] == "Stopped a fight at the bus stop"
    assert _count(session) == 1
    # the form without a script: a repeat redirects to the stored report, saying so
    page = leader.post("/reports/new", data=_form(client_key=key))
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/reports/{first.get_json()['id']}")
    assert _count(session) == 1
    # the key is the author's: another reporter's same key is another report
    other = as_user("dispatcher").post("/reports/new", data=_form(client_key=key), headers=JSON)
    assert other.status_code == 201 and _count(session) == 2


def test_the_api_stores_a_report_once_per_client_key(as_user, lw, session):
    body = {**_form(), "lon": INSIDE[0], "lat": INSIDE[1], "observed_at": _local() + ":00+05:00",
            "client_key": str(uuid.uuid4())}
    first = as_user("leader").post("/api/v1/reports", json=body)
    again = as_user("leader").post("/api/v1/reports", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"] and _count(session) == 1


def test_a_bad_key_is_refused_with_a_message(as_user, lw, session):
    r = as_user("leader").post("/reports/new", data=_form(client_key="has spaces in it"), headers=JSON)
    assert r.status_code == 400 and any("device key" in e for e in r.get_json()["errors"])
    assert _count(session) == 0


def test_a_report_from_an_own_shift_carries_it_and_the_dispatcher_sees_it(as_user, lw, session):
    r = as_user("leader").post("/reports/new", data=_form(assignment_id=str(lw.upcoming)), headers=JSON)
    assert r.status_code == 201, r.get_json()
    shown = r.get_json()
    assert shown["assignment_id"] == lw.upcoming and shown["shift"]["id"] == lw.upcoming
    page = as_user("dispatcher").get(shown["url"]).get_data(as_text=True)
    assert "/dispatch?date=" in page and f"shift {lw.upcoming}:" in page.lower()
    listing = as_user("dispatcher").get("/reports").get_data(as_text=True)
    assert f"from shift {lw.upcoming}," in listing
    api = as_user("dispatcher").get(f"/api/v1/reports/{shown['id']}").get_json()
    assert api["assignment_id"] == lw.upcoming and api["shift"]["starts_at"]


@pytest.mark.parametrize("assignment", ["other", "missing", "text"])
def test_a_report_on_a_shift_not_ones_own_is_refused_with_400_and_stores_nothing(as_user, lw, session, assignment):
    value = {"other": str(lw.other), "missing": "999999", "text": "abc"}[assignment]
    r = as_user("leader").post("/reports/new", data=_form(assignment_id=value), headers=JSON)
    assert r.status_code == 400
    errors = " ".join(r.get_json()["errors"])
    assert ("not one of your shifts" in errors) if assignment != "text" else ("by its number" in errors)
    page = as_user("leader").post("/reports/new", data=_form(assignment_id=value))
    assert page.status_code == 400 and "The report was not stored" in page.get_data(as_text=True)
    api = as_user("leader").post("/api/v1/reports", json={**_form(), "lon": INSIDE[0], "lat": INSIDE[1],
                                                           "observed_at": _local() + ":00+05:00",
                                                           "assignment_id": lw.other})
    assert api.status_code == 400 and [row["field"] for row in api.get_json()["rows"]] == ["assignment_id"]
    assert _count(session) == 0


def test_photos_are_stored_without_their_gps_and_shown_as_thumbnails_to_those_who_see_the_report(
        as_user, lw, session):
    leader = as_user("leader")
    original = _jpeg(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there before
    r = leader.post("/reports/new", data=_form(photos=_photos(("street.jpg", original), ("plan.png", _png()))),
                    headers=JSON, content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    shown = r.get_json()
    assert [(p["content_type"], p["width"]) for p in shown["photos"]] == [("image/jpeg", 64), ("image/png", 30)]
    stored = session.execute(select(ReportPhoto.data).order_by(ReportPhoto.position)).scalars().all()
    with Image.open(io.BytesIO(stored[0])) as image:
        exif = image.getexif()
        assert not exif.get_ifd(0x8825) and 0x010F not in exif and "exif" not in image.info
    page = leader.get(shown["url"]).get_data(as_text=True)
    first = shown["photos"][0]["id"]
    assert f"/reports/{shown['id']}/photos/{first}/thumbnail" in page
    thumb = leader.get(f"/reports/{shown['id']}/photos/{first}/thumbnail")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg" and "private" in thumb.headers["Cache-Control"]
    full = as_user("dispatcher").get(f"/reports/{shown['id']}/photos/{first}")
    assert full.status_code == 200 and full.data == stored[0]
    # another formation's leader may not see the report, nor its photos
    assert as_user("other.leader").get(f"/reports/{shown['id']}/photos/{first}").status_code == 404


@pytest.mark.parametrize("name,data,says", [
    ("notes.jpg", b"%PDF-1.4 not a photo at all", "not a JPEG or PNG image"),
    ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a JPEG or PNG image"),
    ("anim.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00,"
                 b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", "not a JPEG or PNG image"),
])
def test_a_file_that_is_not_a_jpeg_or_png_is_refused_by_its_content_and_nothing_is_stored(
        as_user, lw, session, name, data, says):
    r = as_user("leader").post("/reports/new", data=_form(photos=_photos(("ok.jpg", _jpeg()), (name, data))),
                               headers=JSON, content_type="multipart/form-data")
    assert r.status_code == 400
    assert any(says in e and name in e for e in r.get_json()["errors"])
    assert _count(session) == 0 and _count(session, ReportPhoto) == 0


def test_a_photo_over_the_size_limit_is_refused_and_nothing_is_stored(connection, lw, session):
    app = make_app(connection, PHOTO_MAX_BYTES=2_000)
    leader = sign_in(app.test_client(), "leader")
    big = _jpeg(size=(400, 300))
    assert len(big) > 2_000
    r = leader.post("/reports/new", data=_form(photos=_photos(("big.jpg", big))), headers=JSON,
                    content_type="multipart/form-data")
    assert r.status_code == 400 and any("larger than 0.002 MB" in e for e in r.get_json()["errors"])
    assert _count(session) == 0 and _count(session, ReportPhoto) == 0
    # a body beyond every photo at its limit is refused before it is read: 413 naming the limit
    huge = leader.post("/reports/new", data=_form(photos=_photos(("huge.jpg", b"\xff" * 1_200_000))),
                       content_type="multipart/form-data")
    assert huge.status_code == 413 and "bytes this server accepts" in huge.get_data(as_text=True)
    assert _count(session) == 0


def test_too_many_photos_are_refused(connection, lw, session):
    app = make_app(connection, PHOTO_MAX_COUNT=1)
    leader = sign_in(app.test_client(), "leader")
    r = leader.post("/reports/new", data=_form(photos=_photos(("a.jpg", _jpeg()), ("b.png", _png()))),
                    headers=JSON, content_type="multipart/form-data")
    assert r.status_code == 400 and any("at most 1 photos" in e for e in r.get_json()["errors"])
    assert _count(session) == 0
