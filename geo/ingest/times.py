"""Dates and times of a source column, read only in forms that say what they mean.

A row is read by the first of these that reads it completely:

1. each ``--date-format`` given, in order (strptime codes; ``%z`` reads a UTC offset, ``%Z`` a zone
   abbreviation such as UTC or EST), so that an export mixing ``2014/05/09`` and
   ``05/13/2014 10:30:00 PM`` is read row by row as its author says;
2. strict ISO 8601: ``YYYY-MM-DD``, optionally ``T`` or a space and ``hh:mm[:ss[.fff]]``, optionally
   ``Z`` or ``±hh[[:]mm]``; digits are ASCII. Slashes are never ISO 8601;
3. the dotted day-first form ``dd.mm.yyyy[ hh:mm[:ss]]``, the Russian and Kazakh convention: its
   dots say the day comes first, so it is not ambiguous.

Anything else is a row error; a value with slashes is refused with the two readings it allows and
the ``--date-format`` that would read it. Each way of reading is vectorised over the rows not yet
read (``pandas.to_datetime(format=..., errors="coerce")``).

In a time column, values with a UTC offset (ISO 8601 with one, or read by a format with ``%z``/``%Z``)
and values without one do not mix: the kind in the minority (the zone-less rows on a tie) are row
errors, since either kind alone is read right and the few of the other kind are likely the mistake.
Offsets that differ between rows (DST in the source) are fine. A *date* field takes no zone: a value
with an offset gives its date in the area's zone.
Zone-less times are read in the area's zone; one in a DST overlap (it happens twice) or gap (it
never happens) follows ``ambiguous``: ``earliest`` or ``latest`` of the two instants it could mean
(for a gap: the reading with the offset before the change and the one with the offset after it), or
``refuse``. The default, ``latest``, is what PostgreSQL itself does when it casts such a text to
``timestamptz`` (standard time in an overlap, the offset before the change in a gap), so an import
agrees with the database; every such row is counted in the report.
"""
from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..domain import AMBIGUOUS_TIMES, DEFAULT_AMBIGUOUS
from ..errors import InvalidInput
from ..messages import N_, NP_, Joined, Message

AMBIGUOUS = AMBIGUOUS_TIMES
ISO = "ISO 8601"
DOTTED = "dd.mm.yyyy"
ISO_PATTERN = (r"(?P<date>\d{4}-\d{2}-\d{2})"
               r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?)?")
ISO_RE = re.compile(ISO_PATTERN, re.ASCII)  # the reference iso_shape agrees with; digits are 0-9
DOTTED_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")
SLASHED = re.compile(r"(?P<a>\d{1,4})/(?P<b>\d{1,2})/(?P<c>\d{1,4})"
                     r"(?:(?P<sep>[ T])(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<p>[AaPp][Mm]))?)?", re.ASCII)


@dataclass(frozen=True)
class TimeOptions:
    """How the times of an import are read: extra formats (in order) and the DST policy."""

    formats: tuple[str, ...] = ()
    ambiguous: str = DEFAULT_AMBIGUOUS

    def __post_init__(self):
        if self.ambiguous not in AMBIGUOUS:
            raise InvalidInput(Message("times.ambiguous-not-one",
                                       N_("--ambiguous %(ambiguous)r is not one of: %(AMBIGUOUS)s"),
                                       ambiguous=self.ambiguous, AMBIGUOUS=', '.join(AMBIGUOUS)))
        for fmt in self.formats:
            check_format(fmt)


def check_format(fmt: str) -> None:
    """Refuse a ``--date-format`` pandas cannot use, or one that reads no date at all."""
    if not isinstance(fmt, str) or "%" not in fmt:
        raise InvalidInput(Message("times.date-format-has",
                                   N_("--date-format %(fmt)r has no strptime code (e.g. '%%m/%%d/%%Y %%I:%%M:%%S "
                                      "%%p')"),
                                   fmt=fmt))
    try:
        pd.to_datetime(pd.Series(["x"], dtype=object), format=fmt, errors="coerce")
    except ValueError as exc:
        raise InvalidInput(Message("times.date-format-not-valid",
                                   N_("--date-format %(fmt)r is not a valid format: %(exc)s"),
                                   fmt=fmt, exc=exc)) from exc


@dataclass
class TimeReading:
    """What reading one column did: rows per way of reading, DST rows, and the problems per row."""

    by_format: Counter = field(default_factory=Counter)
    overlap: int = 0
    gap: int = 0
    problems: dict[int, Message] = field(default_factory=dict)

    def add(self, other: "TimeReading") -> None:
        """Count ``other``'s rows too (another chunk of the same column); its problems stay its own."""
        self.by_format.update(other.by_format)
        self.overlap += other.overlap
        self.gap += other.gap

    def notes(self, label: str, *, tz: ZoneInfo, ambiguous: str) -> list[Message]:
        """Report lines: how many rows each format read, and how DST overlaps and gaps were read."""
        lines = []
        if self.by_format:
            (fmt, n), *others = self.by_format.most_common()
            first = Message("times.read-as", NP_("%(rows)s row read as %(format)s", "%(rows)s rows read as %(format)s"),
                            num=n, rows=format(n, ","), format=fmt)
            also = [Message("times.also-read-as", NP_("%(rows)s as %(format)s", "%(rows)s as %(format)s"),
                            num=k, rows=format(k, ","), format=f) for f, k in others]
            lines.append(Message("times.formats", N_("%(label)s: %(formats)s"), label=label,
                                 formats=Joined("times.formats-list", [first, *also], ", ")))
        how = {"earliest": N_("read as the earlier instant"), "latest": N_("read as the later instant"),
               "refuse": N_("refused")}[ambiguous]
        for count, code, what in (
                (self.overlap, "times.overlap-rows", NP_("%(label)s: %(rows)s row in a repeated hour (DST overlap) in "
                                                         "%(zone)s, %(how)s (--ambiguous %(ambiguous)s)",
                                                         "%(label)s: %(rows)s rows in a repeated hour (DST overlap) in "
                                                         "%(zone)s, %(how)s (--ambiguous %(ambiguous)s)")),
                (self.gap, "times.gap-rows", NP_("%(label)s: %(rows)s row in a skipped hour (DST gap) in %(zone)s, "
                                                 "%(how)s (--ambiguous %(ambiguous)s)",
                                                 "%(label)s: %(rows)s rows in a skipped hour (DST gap) in %(zone)s, "
                                                 "%(how)s (--ambiguous %(ambiguous)s)"))):
            if count:
                lines.append(Message(code, what, num=count, label=label, rows=format(count, ","), zone=tz.key,
                                     how=Message(f"times.ambiguous-{ambiguous}", how), ambiguous=ambiguous))
        return lines


def read_times(texts: list[str | None], *, kind: str, tz: ZoneInfo,
               options: TimeOptions = TimeOptions()) -> tuple[list, TimeReading]:
    """Read a column of ``kind`` "date" or "datetime"; values (None where missing or refused) and
    the reading, whose ``problems`` maps a 0-based row to why it was refused.

    Examples
    --------
    >>> values, reading = read_times(["2014/05/09"], kind="datetime", tz=ZoneInfo("Asia/Almaty"),
    ...                              options=TimeOptions(formats=("%Y/%d/%m",)))
    >>> values[0].isoformat(), dict(reading.by_format)
    ('2014-09-05T00:00:00+06:00', {'%Y/%d/%m': 1})
    """
    n = len(texts)
    text = pd.Series(texts, dtype=object)
    todo = text.notna().to_numpy(copy=True)  # rows with a value that no way of reading has read yet
    naive = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    zoned = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")
    reading = TimeReading()

    def take(fmt_name: str, rows: np.ndarray, parsed: pd.Series, with_zone: bool) -> None:
        ok = parsed.notna().to_numpy()
        if not ok.any():
            return
        target = zoned if with_zone else naive
        target.iloc[rows[ok]] = parsed[ok].to_numpy()
        todo[rows[ok]] = False
        reading.by_format[fmt_name] += int(ok.sum())

    for fmt in options.formats:
        rows = np.flatnonzero(todo)
        if len(rows):
            with_zone = "%z" in fmt or "%Z" in fmt
            take(fmt, rows, pd.to_datetime(text.iloc[rows], format=fmt, errors="coerce", utc=with_zone), with_zone)
    rows = np.flatnonzero(todo)
    is_iso, has_zone = iso_shape([texts[i] for i in rows])
    iso_rows, has_zone = rows[is_iso], has_zone[is_iso]
    if len(iso_rows):
        for with_zone in (True, False):
            part = iso_rows[has_zone == with_zone]
            if len(part):
                take(ISO, part, pd.to_datetime(text.iloc[part], format="ISO8601", errors="coerce", utc=with_zone),
                     with_zone)
        for i in iso_rows[todo[iso_rows]]:
            reading.problems[int(i)] = (
                Message("times.invalid-date", N_("%(text)r is not a valid date"), text=texts[i]) if kind == "date"
                else Message("times.invalid-datetime", N_("%(text)r is not a valid date and time"), text=texts[i]))
    for fmt in DOTTED_FORMATS:  # strptime's own strictness: exactly these separators, a four-digit year
        rows = np.flatnonzero(todo)
        if len(rows):
            take(DOTTED, rows, pd.to_datetime(text.iloc[rows], format=fmt, errors="coerce"), False)
    for i in np.flatnonzero(todo):
        reading.problems.setdefault(int(i), unreadable(texts[i], kind=kind, formats=options.formats))

    values = np.full(n, None, dtype=object)
    if kind == "date":
        _put(values, naive, lambda v: v.dt.date)
        _put(values, zoned, lambda v: v.dt.tz_convert(tz).dt.date)
        return list(values), reading
    _refuse_the_minority(texts, naive, zoned, reading)
    _put(values, zoned, lambda v: v.dt.to_pydatetime())
    local = naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    _put(values, local, lambda v: v.dt.to_pydatetime())
    for i in np.flatnonzero(naive.notna().to_numpy() & local.isna().to_numpy()):
        what, value = resolve_local(naive.iloc[i].to_pydatetime(), tz, options.ambiguous)
        reading.overlap += what == "overlap"
        reading.gap += what == "gap"
        if isinstance(value, Message):
            reading.problems[int(i)] = value
        else:
            values[i] = value
    return list(values), reading


ISO_WIDTH = 36  # the longest strict ISO 8601 value: a date, a time with nine decimals, and ±hh:mm


def iso_shape(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which ``values`` are strict ISO 8601 (``ISO_RE`` matches them whole), and which of those end in
    a zone; the same answer as the regex, computed on arrays of code points (no loop per value).
    """
    n = len(values)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    is_iso, has_zone = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    candidates = np.flatnonzero((lengths >= 10) & (lengths <= ISO_WIDTH))
    if not len(candidates):
        return is_iso, has_zone
    codes = np.zeros((len(candidates), ISO_WIDTH + 8), dtype=np.uint32)  # zero past the end of each value
    text = np.array([values[i] for i in candidates], dtype=f"U{ISO_WIDTH}")
    codes[:, :ISO_WIDTH] = text.view(np.uint32).reshape(len(candidates), ISO_WIDTH)
    length = lengths[candidates]
    rows = np.arange(len(candidates))
    digit = (codes >= ord("0")) & (codes <= ord("9"))

    def column(at, table=codes):  # at: a position, or one position per value
        return table[:, at] if isinstance(at, int) else table[rows, at]

    def char(at, chars: str) -> np.ndarray:
        values = column(at)
        found = values == ord(chars[0])
        for c in chars[1:]:
            found |= values == ord(c)
        return found

    def digits(at, count: int) -> np.ndarray:
        if isinstance(at, int):
            return digit[:, at:at + count].all(axis=1)
        found = column(at, digit)
        for k in range(1, count):
            found &= column(at + k, digit)
        return found

    date = digits(0, 4) & char(4, "-") & digits(5, 2) & char(7, "-") & digits(8, 2)
    timed = date & char(10, "T ") & digits(11, 2) & char(13, ":") & digits(14, 2)
    end = np.where(timed, 16, 10)
    seconds = timed & char(end, ":") & digits(end + 1, 2)
    end = np.where(seconds, 19, end)
    run = np.argmin(np.c_[digit[:, 20:30], np.zeros(len(candidates), dtype=bool)], axis=1)  # decimals after the dot
    fraction = seconds & char(end, ".") & (run >= 1) & (run <= 9)
    end = np.where(fraction, 20 + run, end)
    sign = timed & char(end, "+-") & digits(end + 1, 2)
    zone_length = np.select(
        [timed & char(end, "Z"), sign & (length == end + 3), sign & digits(end + 3, 2) & (length == end + 5),
         sign & char(end + 3, ":") & digits(end + 4, 2)], [1, 3, 5, 6], default=0)
    whole = date & (length == end + zone_length)
    is_iso[candidates] = whole
    has_zone[candidates] = whole & (zone_length > 0)
    return is_iso, has_zone


def _put(values: np.ndarray, series: pd.Series, convert) -> None:
    """``values`` where ``series`` holds a time: ``convert`` of those (vectorised)."""
    present = series.notna().to_numpy()
    if present.any():
        values[present] = np.asarray(convert(series[present]), dtype=object)


def _refuse_the_minority(texts, naive: pd.Series, zoned: pd.Series, reading: TimeReading) -> None:
    """Zoned and zone-less values in one column: the kind in the minority are refused (zone-less on a tie)."""
    with_zone, without = int(zoned.notna().sum()), int(naive.notna().sum())
    if not with_zone or not without:
        return
    if without <= with_zone:
        code, reason, others = "times.no-offset", NP_(
            "%(text)r has no UTC offset, while %(others)s other row of this column has one; "
            "give every row an offset or none",
            "%(text)r has no UTC offset, while %(others)s other rows of this column have one; "
            "give every row an offset or none"), with_zone
        series = naive
    else:
        code, reason, others = "times.offset", NP_(
            "%(text)r has a UTC offset, while %(others)s other row of this column has none; "
            "give every row an offset or none",
            "%(text)r has a UTC offset, while %(others)s other rows of this column have none; "
            "give every row an offset or none"), without
        series = zoned
    refused = series.notna().to_numpy()
    for i in np.flatnonzero(refused):
        reading.problems[int(i)] = Message(code, reason, num=others, others=format(others, ","), text=texts[i])
    series[refused] = pd.NaT


def resolve_local(wall: datetime, tz: ZoneInfo, policy: str) -> tuple[str, datetime | Message]:
    """A wall-clock time in ``tz`` that pandas could not place: ("overlap" | "gap", the instant or a reason).

    Its two readings are the wall time with the offset before and with the offset after the change
    (``fold`` 0 and 1, PEP 495); ``earliest``/``latest`` take the earlier/later instant, given in UTC.
    """
    readings = [wall.replace(tzinfo=tz, fold=fold) for fold in (0, 1)]
    instants = sorted(readings, key=lambda r: r.astimezone(UTC))
    exists = readings[0].astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall
    what = "overlap" if exists else "gap"
    if policy in ("earliest", "latest"):
        chosen = instants[0] if policy == "earliest" else instants[1]
        # in UTC: a zoned datetime in a fold never equals one of another zone (PEP 495)
        return what, chosen.astimezone(UTC)
    clock = f"{wall:%H:%M}" + (f":{wall:%S}" if wall.second else "")
    before, after = (_offset(r) for r in readings)
    when = {"clock": clock, "day": f"{wall:%Y-%m-%d}", "zone": tz.key, "before": before, "after": after}
    if exists:
        return what, Message("times.twice", N_("%(clock)s on %(day)s happens twice in %(zone)s (at %(before)s and at "
                                               "%(after)s); --ambiguous earliest|latest chooses"), **when)
    return what, Message("times.does-not-exist", N_("%(clock)s on %(day)s does not exist in %(zone)s (the clocks "
                                                    "went from %(before)s to %(after)s); --ambiguous "
                                                    "earliest|latest chooses"), **when)


def _offset(value: datetime) -> str:
    minutes = int(value.utcoffset() / timedelta(minutes=1))
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def unreadable(text: str, *, kind: str, formats: tuple[str, ...] = ()) -> Message:
    """Why ``text`` was not read, and how it could be."""
    what = Message("times.date", N_("date")) if kind == "date" else Message("times.datetime", N_("date and time"))
    given = ", ".join(formats)
    if "/" in text:
        return Message("times.slashed-tried", N_("%(why)s; none of the --date-format given (%(formats)s) reads it"),
                       why=slashed(text), formats=given) if formats else slashed(text)
    if formats:
        return Message("times.unreadable-tried",
                       N_("cannot read %(text)r as a %(what)s: it is neither ISO 8601 (e.g. 2024-05-01T18:30) nor "
                          "day-first dd.mm.yyyy; none of the --date-format given (%(formats)s) reads it; "
                          "--date-format says how to read other forms"), text=text, what=what, formats=given)
    return Message("times.unreadable",
                   N_("cannot read %(text)r as a %(what)s: it is neither ISO 8601 (e.g. 2024-05-01T18:30) nor "
                      "day-first dd.mm.yyyy; --date-format says how to read other forms"), text=text, what=what)


def slashed(text: str) -> Message:
    """Why a value with slashes is ambiguous, and the ``--date-format`` that reads it."""
    m = SLASHED.fullmatch(text.strip())
    if m is None:
        return Message("times.slashes-unknown",
                       N_("%(text)r uses slashes, which do not say whether the day or the month comes first (slashes "
                          "are not ISO 8601); say how to read it with --date-format, e.g. --date-format "
                          "'%%m/%%d/%%Y %%I:%%M:%%S %%p'"), text=text)
    a, b, c = m["a"], m["b"], m["c"]
    year_first = len(a) == 4
    year, first, second = (int(a), int(b), int(c)) if year_first else (int(c), int(a), int(b))
    order = ("%Y/%m/%d", "%Y/%d/%m") if year_first else ("%m/%d/%Y", "%d/%m/%Y")
    # (month, day) of each reading, month-first first
    candidates = [(order[0], first, second), (order[1], second, first)]
    possible = [(fmt, month, day) for fmt, month, day in candidates if _is_date(year, month, day)]
    time = ""
    if m["h"] is not None:
        time = (m["sep"] + ("%I" if m["p"] else "%H") + ":%M" + (":%S" if m["s"] else "")
                + (" %p" if m["p"] else ""))
    if len(possible) == 2 and first != second:
        (_, m1, d1), (_, m2, d2) = possible
        why = Message("times.slashes-either",
                      N_("%(text)r could be %(one)s or %(other)s (slashes do not say whether the day or the month "
                         "comes first, and are not ISO 8601)"),
                      text=text, one=f"{d1} {calendar.month_name[m1]}", other=f"{d2} {calendar.month_name[m2]}")
    elif len(possible) == 1:
        _, m1, d1 = possible[0]
        why = Message("times.slashes-only",
                      N_("%(text)r reads only as %(day)s, but slashes do not say whether the day or the month comes "
                         "first, and other rows may be written the other way"),
                      text=text, day=f"{d1} {calendar.month_name[m1]} {year}")
    else:
        why = Message("times.slashes", N_("%(text)r uses slashes, which do not say whether the day or the month "
                                          "comes first, and are not ISO 8601"), text=text)
    fmt = (possible[0][0] if possible else order[0]) + time
    if len(possible) == 1:
        return Message("times.say-format-again", N_("%(why)s; say how to read it: --date-format '%(format)s' (repeat "
                                                    "--date-format for rows written another way)"), why=why, format=fmt)
    return Message("times.say-format", N_("%(why)s; say how to read it: --date-format '%(format)s'"), why=why,
                   format=fmt)


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
