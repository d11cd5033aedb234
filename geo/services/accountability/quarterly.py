"""The quarterly activity summary per formation, by which akimat commissions decide incentives.

For each formation the viewer may see (admins, dispatchers, analysts: all; a leader: their own; a
supervisor: those that notified their unit, Order 641 item 7): confirmed assignments whose shift
overlaps the quarter, the hours of those shifts inside the quarter, and field reports of things
observed in the quarter, by category. Quarters are calendar quarters in the area's time zone.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ...access import Principal
from ...db import quarterly as q
from ...domain import DEFAULT_TIMEZONE, ReportCategory
from ...errors import InvalidInput
from ...messages import N_, Message
from ...rules.messages import Gettext, plain
from ...settings import PresenceSettings
from ...visibility import scope_of
from ..dosage import dosage_of

CATEGORIES = tuple(c.value for c in ReportCategory)


@dataclass(frozen=True)
class Quarter:
    """Calendar quarter ``number`` (1-4) of ``year``."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 2000 <= self.year <= 2100 or self.number not in (1, 2, 3, 4):
            raise InvalidInput(Message("quarterly.quarter-year-number",
                                       N_("a quarter is a year 2000..2100 and a number 1..4")))

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    def bounds(self, timezone_name: str = DEFAULT_TIMEZONE) -> tuple[datetime, datetime]:
        """``[start, end)`` as aware datetimes at local midnight."""
        tz = ZoneInfo(timezone_name)
        first = date(self.year, 3 * self.number - 2, 1)
        last = date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)
        return datetime.combine(first, time(), tz), datetime.combine(last, time(), tz)

    def __str__(self) -> str:
        return f"{self.year} Q{self.number}"


def quarterly_summary(session: Session, viewer: Principal, quarter: Quarter, *,
                      timezone_name: str = DEFAULT_TIMEZONE) -> list[dict]:
    """One row per formation ``viewer`` may see, by name.

    Examples
    --------
    >>> quarterly_summary(session, admin, Quarter(2026, 4))[0]  # doctest: +SKIP
    {'formation_id': 3, 'formation': 'Samal', 'assignments': 2, 'hours_on_duty': 8.0,
     'reports': {'offence-prevented': 1, ...}, 'reports_total': 1}
    """
    start, end = quarter.bounds(timezone_name)
    formations = q.formations(session, scope_of(viewer))
    ids = [f.id for f in formations]
    duty = q.duty(session, ids, start=start, end=end) if ids else {}
    reports = q.reports(session, ids, start=start, end=end) if ids else {}
    rows = []
    for f in formations:
        assignments, hours = duty.get(f.id, (0, 0.0))
        by_category = {c: reports.get(f.id, {}).get(c, 0) for c in CATEGORIES}
        rows.append({"formation_id": f.id, "formation": f.name, "assignments": assignments,
                     "hours_on_duty": round(hours, 2), "reports": by_category,
                     "reports_total": sum(by_category.values())})
    return rows


def presence_by_target(session: Session, viewer: Principal, quarter: Quarter, *, settings: PresenceSettings,
                       timezone_name: str = DEFAULT_TIMEZONE, locale: str | None = None) -> list[dict]:
    """Per target (zone, place, event area ...) of the confirmed shifts of the formations ``viewer``
    may see in the quarter: the dosage summed over those shifts (minutes checked in; minutes inside
    and visits over the shifts that sent their location; the mean share of the route walked over the
    shifts that had a route, None where none had)."""
    start, end = quarter.bounds(timezone_name)
    ids = [f.id for f in q.formations(session, scope_of(viewer))]
    rows = q.assignments_by_target(session, ids, start=start, end=end, locale=locale)
    dosage = dosage_of(session, [r.id for r in rows], settings=settings)
    out: dict[tuple[str, int], dict] = {}
    for r in rows:
        d = dosage[r.id]
        t = out.setdefault((r.target_kind, r.target_id), {
            "target_kind": r.target_kind, "target_id": r.target_id, "target": r.target_name, "assignments": 0,
            "checked_in_h": 0.0, "tracked": 0, "minutes_inside": 0.0, "visits": 0, "_shares": []})
        t["assignments"] += 1
        t["checked_in_h"] += d["minutes_checked_in"] / 60.0
        if d["minutes_inside"] is not None:
            t["tracked"] += 1
            t["minutes_inside"] += d["minutes_inside"]
            t["visits"] += d["visits"]
        if d["has_route"]:
            t["_shares"].append(d["route_share"] or 0.0)
    for t in out.values():
        shares = t.pop("_shares")
        t["route_share"] = round(sum(shares) / len(shares), 3) if shares else None
        t["checked_in_h"] = round(t["checked_in_h"], 2)
        t["minutes_inside"] = round(t["minutes_inside"], 1)
    return list(out.values())


def quarterly_csv(session: Session, viewer: Principal, quarter: Quarter, *, gettext: Gettext = plain,
                  timezone_name: str = DEFAULT_TIMEZONE) -> str:
    """The summary as CSV: the header first, one row per formation with its quarter and a ``note``
    saying what the report counts are (a spreadsheet and GDAL's CSV driver read the first line as the
    header). No geometry: ``formation_id`` joins it to the formation layer's export."""
    note = gettext("Reports are information for the police, not registered crimes.")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["formation_id", "formation", "quarter", "assignments", "hours_on_duty",
                     *[f"reports_{c}" for c in CATEGORIES], "reports_total", "note"])
    for row in quarterly_summary(session, viewer, quarter, timezone_name=timezone_name):
        name = row["formation"]
        if name[:1] in ("=", "+", "-", "@"):
            name = "'" + name  # not a spreadsheet formula
        writer.writerow([row["formation_id"], name, str(quarter), row["assignments"], f"{row['hours_on_duty']:.2f}",
                         *[row["reports"][c] for c in CATEGORIES], row["reports_total"], note])
    return out.getvalue()
