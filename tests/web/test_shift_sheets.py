"""Printable shift sheets (issue 16 §4): the PDF read back with poppler's pdftotext and pdfinfo, the
HTML sheet, one page per assignment for a day, A4, and who may fetch which sheet."""
from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from geo.db.models import Officer
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)

ALMATY = ZoneInfo("Asia/Almaty")
PHONE = "+7 727 254 40 02"


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext (poppler) reads it, its layout kept."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


def pdf_info(pdf: bytes) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def is_a4(info: dict[str, str]) -> bool:
    width, height = map(float, re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"]).groups())
    return abs(width - 595.28) < 1 and abs(height - 841.89) < 1


@pytest.fixture
def phone(session, lw):
    session.execute(update(Officer).where(Officer.id == lw.world.officer).values(phone=PHONE))
    session.flush()
    return PHONE


def _day(lw) -> str:
    return (lw.now + timedelta(days=1)).astimezone(ALMATY).date().isoformat()


def test_a_leaders_shift_sheet_pdf_names_officer_phone_members_time_item_and_rules(as_user, lw, phone):
    answer = as_user("leader").get(f"/assignments/{lw.upcoming}/sheet.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="kuzet-shift-{lw.upcoming}-{_day(lw)}.pdf"')
    info = pdf_info(answer.data)
    assert info["Pages"] == "1" and is_a4(info)
    text = " ".join(pdf_text(answer.data).split())
    assert "Shift sheet № " + str(lw.upcoming) in text
    assert "Capt. Abenov" in text and PHONE in text and "Centre police" in text
    assert "Aigerim Sadykova" in text and "C-001" in text
    assert "18:00–22:00" in text and "(Asia/Almaty)" in text  # 13:00 UTC, in the regime's zone, 24-hour
    assert "8.1 · Public order in public places and at events — Order 641, Rules item 8.1" in text
    assert re.search(r"Law 590-\s?II art\. 5\b", text) and re.search(r"Law 590-\s?II art\. 7\.1\.1", text)
    assert "design choice (D) under Order 641 item 2.2" in text  # the certificate condition is ours (D)
    assert "500 m" in text or "200 m" in text or "1,000 m" in text  # the map's scale bar
    assert "Timur Bekov" not in text  # not on this shift


def test_the_sheet_pdf_is_in_the_readers_language(as_user, lw, phone):
    answer = as_user("leader").get(f"/assignments/{lw.upcoming}/sheet.pdf", headers={"Accept-Language": "ru"})
    text = " ".join(pdf_text(answer.data).split())
    assert "Лист смены № " + str(lw.upcoming) in text
    assert "Capt. Abenov" in text and PHONE in text and "C-001" in text and "18:00–22:00" in text
    assert "Приказ МВД № 641, Правила, п. 8.1" in text
    assert re.search(r"Закон № 590-\s?II, ст\. 5", text)  # a line may wrap at the hyphen
    kazakh = as_user("leader").get(f"/assignments/{lw.upcoming}/sheet.pdf", headers={"Accept-Language": "kk"})
    assert "ҚР ІІМ № 641 бұйрығы, Қағидалар, 8.1-т." in " ".join(pdf_text(kazakh.data).split())


def test_the_html_sheet_draws_the_target_map_inline_and_links_its_pdf(as_user, lw):
    answer = as_user("leader").get(f"/assignments/{lw.upcoming}/sheet")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert html.count('class="sheet"') == 1 and '<svg class="sheet-map"' in html
    assert re.search(r'<path d="M [\d.]+ [\d.]+ L', html)  # the target's outline, in frame pixels
    assert f'href="/assignments/{lw.upcoming}/sheet.pdf"' in html
    assert "<script>" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_a_days_pdf_has_one_a4_page_per_live_assignment(as_user, lw):
    answer = as_user("dispatcher").get(f"/dispatch/sheets.pdf?date={_day(lw)}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="kuzet-shifts-{_day(lw)}.pdf"'
    info = pdf_info(answer.data)
    assert info["Pages"] == "2" and is_a4(info)  # the formation's confirmed and the other's proposed shift
    pages = pdf_text(answer.data).split("\f")
    assert f"№ {lw.upcoming}" in pages[0] and f"№ {lw.other}" in pages[1]


def test_a_supervisor_prints_only_their_units_shifts_of_the_day(as_user, lw):
    answer = as_user("supervisor").get(f"/dispatch/sheets.pdf?date={_day(lw)}")
    assert pdf_info(answer.data)["Pages"] == "1"
    assert f"№ {lw.upcoming}" in pdf_text(answer.data)
    assert as_user("supervisor").get(f"/assignments/{lw.other}/sheet.pdf").status_code == 404


def test_a_day_without_assignments_prints_a_page_saying_so(as_user, lw):
    answer = as_user("dispatcher").get("/dispatch/sheets?date=2001-01-01")
    assert answer.status_code == 200 and "No live assignments on" in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/assignments/{other}/sheet", "/assignments/{other}/sheet.pdf",
                                  "/assignments/999999/sheet.pdf"])
def test_a_leader_cannot_fetch_another_formations_sheet(as_user, lw, path):
    answer = as_user("leader").get(path.format(other=lw.other))
    assert answer.status_code == 404 and answer.mimetype == "text/html"
    assert b"%PDF" not in answer.data[:10]


def test_the_days_sheets_are_for_planners_and_supervisors(as_user, lw):
    assert as_user("leader").get(f"/dispatch/sheets.pdf?date={_day(lw)}").status_code == 403
    assert as_user("leader").get(f"/dispatch/sheets?date={_day(lw)}").status_code == 403


def test_a_bad_date_is_a_clear_400(as_user, lw):
    answer = as_user("dispatcher").get("/dispatch/sheets.pdf?date=05/12/2026")
    assert answer.status_code == 400 and "date must be YYYY-MM-DD" in answer.get_data(as_text=True)


def test_signing_in_comes_first(anonymous, lw):
    assert anonymous.get(f"/assignments/{lw.upcoming}/sheet.pdf").status_code in (302, 401)
