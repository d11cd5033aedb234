"""Demo people: officers with duty rosters and services, participants of each formation, leaders,
and individual participants of item 6 (some on their own, some members who also assist alone).

Synthetic persons with generated names and IINs (seeded); the rosters and the mix of
registration states let every rule of the regime be seen passing and failing in the demo.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from ..domain import (DEFAULT_TIMEZONE, CertificateStatus, FormationBase, OfficerService, RecordedForm,
                      RegistrationStatus)

FIRST = ("Aigerim", "Aruzhan", "Dana", "Madina", "Zhanna", "Saule", "Asel", "Dinara", "Kamila", "Alina",
         "Nurlan", "Daniyar", "Yerlan", "Askar", "Timur", "Arman", "Bauyrzhan", "Yerzhan", "Ruslan", "Sanzhar",
         "Alexei", "Olga", "Irina", "Sergei", "Dmitry")
LAST = ("Abenov", "Sadykov", "Omarov", "Nurpeisov", "Zhakupov", "Kassymov", "Tokayev", "Serikbayev",
        "Akhmetov", "Iskakov", "Bekov", "Suleimenov", "Ospanov", "Mukhamedzhanov", "Ivanov", "Petrov",
        "Kim", "Li", "Baimukhanov", "Yessenov")
RANKS = ("captain of police", "senior lieutenant of police", "major of police")
OFFICERS_PER_UNIT = 3
# Each unit's officers in turn: a local police inspector, a patrol officer and one of the juvenile
# affairs unit, so an item 6.2 task (local inspectors, units for minors) finds its staff in the demo.
SERVICES = (OfficerService.LOCAL_INSPECTOR, OfficerService.PATROL, OfficerService.JUVENILE)
INDIVIDUALS = 6  # participants who assist only on their own (item 6)
ROSTER_DAYS_BEFORE, ROSTER_DAYS_AFTER = 7, 14
DUTY_START_HOUR = 8  # duty runs 08:00 to 08:00 the next day


@dataclass(frozen=True)
class Person:
    full_name: str
    birth_date: date
    female: bool


def _name(rng: np.random.Generator) -> tuple[str, bool]:
    i = int(rng.integers(len(FIRST)))
    female = i < 10 or FIRST[i] in ("Olga", "Irina")
    last = LAST[int(rng.integers(len(LAST)))]
    if female and not last.endswith(("Kim", "Li")):
        last += "a"
    return f"{FIRST[i]} {last}", female


def iin(birth: date, female: bool, serial: int) -> str:
    """A well-formed Kazakh IIN: YYMMDD, century/sex digit, 4-digit serial, check digit."""
    century = (birth.year - 1800) // 100  # 0 for the 1800s, 1 for the 1900s, 2 for the 2000s
    digit7 = 2 * century + (2 if female else 1)  # 3/4 for the 1900s, 5/6 for the 2000s (men/women)
    body = f"{birth:%y%m%d}{digit7}{serial % 10000:04d}"
    digits = [int(c) for c in body]
    check = sum((i + 1) * d for i, d in enumerate(digits)) % 11
    if check == 10:
        check = sum(((i + 2) % 11 + 1) * d for i, d in enumerate(digits)) % 11
        if check == 10:
            return iin(birth, female, serial + 1)
    return body + str(check)


def officers(unit_names: dict[int, str], *, seed: int) -> list[dict]:
    """Three officers per unit (a local inspector, a patrol officer, one of the juvenile affairs unit);
    the last of every third unit is inactive (on leave)."""
    rng = np.random.default_rng(seed)
    rows = []
    for n, (unit_id, _) in enumerate(sorted(unit_names.items())):
        for k in range(OFFICERS_PER_UNIT):
            name, _female = _name(rng)
            rows.append({"name": name, "rank": RANKS[k % len(RANKS)], "police_unit_id": unit_id,
                         "phone": f"+7 727 {300 + n:03d} {10 + k:02d} {int(rng.integers(10, 99)):02d}",
                         "active": not (k == OFFICERS_PER_UNIT - 1 and n % 3 == 2),
                         "service": SERVICES[k % len(SERVICES)].value})
    return rows


def duty_periods(officer_ids: list[int], today: date, timezone: str = DEFAULT_TIMEZONE, *,
                 days_before: int = 0) -> list[dict]:
    """Back-to-back daily duty (08:00 to 08:00) from a week before ``today`` (or ``days_before`` days,
    when more: the demo's patrol history) to two weeks after."""
    tz = ZoneInfo(timezone)
    rows = []
    first = max(ROSTER_DAYS_BEFORE, days_before + 1)  # + 1: duty from 08:00 the day before covers a night shift
    for officer_id in officer_ids:
        for offset in range(-first, ROSTER_DAYS_AFTER):
            start = datetime.combine(today + timedelta(days=offset), datetime.min.time(), tz).replace(
                hour=DUTY_START_HOUR)
            rows.append({"officer_id": officer_id, "start": start, "end": start + timedelta(days=1)})
    return rows


def participants(formations: list[dict], today: date, *, seed: int) -> list[dict]:
    """Members for each formation (``{"id", "base_type", "notified_on"}``), mostly eligible.

    About one in eight is not yet registered or untrained, and student squads have the odd
    17-year-old, so the participant-eligible rule has something to say in the demo. Every
    formation's second member also assists on their own (form ``both``, item 5).
    """
    rng = np.random.default_rng(seed + 1)
    rows, serial = [], 1000
    for f in formations:
        study = f["base_type"] == FormationBase.STUDY
        for k in range(int(rng.integers(6, 15))):
            name, female = _name(rng)
            age = int(rng.integers(17, 24)) if study else int(rng.integers(23, 64))
            birth = today - timedelta(days=int(age * 365.25 + rng.integers(0, 360)))
            roll = rng.random()
            registered = k == 0 or roll > 0.12
            status = RegistrationStatus.REGISTERED if registered else (
                RegistrationStatus.POLICE_CHECK if roll > 0.05 else RegistrationStatus.APPLIED)
            joined = (f["notified_on"] or today - timedelta(days=60)) + timedelta(days=int(rng.integers(0, 30)))
            joined = min(joined, today - timedelta(days=1))
            serial += 1
            rows.append({
                "formation_id": f["id"], "full_name": name, "birth_date": birth, "iin": iin(birth, female, serial),
                "registration_status": status.value,
                "applied_on": joined - timedelta(days=45),
                "registered_on": joined - timedelta(days=5) if registered else None,
                "certificate_number": f"AL-{serial:05d}" if registered else None,
                "certificate_status": CertificateStatus.ISSUED.value if registered else None,
                "legal_training_on": joined if registered and (k == 0 or rng.random() > 0.08) else None,
                "briefing_on": joined if registered else None,
                "joined_on": joined, "leader": k == 0,
                "participation_form": (RecordedForm.BOTH if k == 1 else RecordedForm.MEMBER).value,
            })
    return rows


def individuals(today: date, *, seed: int, count: int = INDIVIDUALS) -> list[dict]:
    """Participants of no formation who assist on their own (form ``individual``, item 6): adults,
    registered, certified and trained, but for the last, whose training is not recorded yet."""
    rng = np.random.default_rng(seed + 2)
    rows = []
    for k in range(count):
        name, female = _name(rng)
        birth = today - timedelta(days=int(int(rng.integers(25, 60)) * 365.25))
        serial = 9000 + k
        registered_on = today - timedelta(days=90 + 10 * k)
        rows.append({
            "full_name": name, "birth_date": birth, "iin": iin(birth, female, serial),
            "registration_status": RegistrationStatus.REGISTERED.value,
            "applied_on": registered_on - timedelta(days=40), "registered_on": registered_on,
            "certificate_number": f"AL-{serial:05d}", "certificate_status": CertificateStatus.ISSUED.value,
            "legal_training_on": registered_on if k < count - 1 else None, "briefing_on": registered_on,
            "participation_form": RecordedForm.INDIVIDUAL.value,
        })
    return rows
