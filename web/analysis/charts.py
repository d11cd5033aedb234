"""Bar charts as numbers for an inline SVG: the template draws the rectangles, nothing runs in the browser."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..formats import format_day, format_day_of_year

LEFT, BOTTOM, TOP = 34.0, 16.0, 6.0  # room for the value axis, the labels below, and the top


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    synthetic: bool


@dataclass(frozen=True)
class Chart:
    """Bars in SVG user units (``viewBox="0 0 width height"``), the largest value, and axis labels."""

    width: float
    height: float
    bars: list[Bar]
    peak: int
    baseline: float
    ticks: list[tuple[float, str]]
    left: float = LEFT
    top: float = TOP


def bar_chart(values: Sequence[int], labels: Sequence[str], *, synthetic: Sequence[int] | None = None,
              width: float = 360.0, height: float = 110.0, max_ticks: int = 6,
              tick_labels: Sequence[str] | None = None) -> Chart:
    """One bar per value, scaled to the largest; a bar is marked synthetic when all its incidents are.

    >>> chart = bar_chart([1, 3, 0], ["a", "b", "c"])
    >>> [round(b.height, 1) for b in chart.bars], chart.peak
    ([29.3, 88.0, 0.0], 3)
    """
    n = len(values)
    peak = max(values, default=0)
    plot_w, plot_h = width - LEFT - 2, height - BOTTOM - TOP
    step = plot_w / max(n, 1)
    gap = step * 0.15 if step > 3 else 0.0
    bars = []
    for i, (value, label) in enumerate(zip(values, labels)):
        h = plot_h * value / peak if peak else 0.0
        fake = bool(synthetic is not None and value and synthetic[i] == value)
        bars.append(Bar(LEFT + i * step + gap / 2, TOP + plot_h - h, max(step - gap, 0.5), h, label, int(value), fake))
    every = max(1, -(-n // max_ticks))
    short = labels if tick_labels is None else tick_labels
    ticks = [(LEFT + (i + 0.5) * step, short[i]) for i in range(0, n, every)]
    return Chart(width, height, bars, int(peak), TOP + plot_h, ticks)


def day_chart(series: dict) -> Chart | None:
    """Incidents per day of a run's summary (``series``), each bar titled by its day and ticked day
    first (without the year when every day is of one year), as the reader writes dates."""
    days = series.get("days") or []
    if not days:
        return None
    one_year = len({d[:4] for d in days}) == 1
    return bar_chart(series["per_day"], [format_day(d) for d in days], synthetic=series.get("synthetic_per_day"),
                     tick_labels=[format_day_of_year(d) if one_year else format_day(d) for d in days])


def hour_chart(series: dict) -> Chart | None:
    """Incidents per hour of the day (0-23, in the selection's time zone)."""
    per_hour = series.get("per_hour") or []
    if not any(per_hour):
        return None
    return bar_chart(per_hour, [f"{h:02d}" for h in range(24)], synthetic=series.get("synthetic_per_hour"),
                     max_ticks=8)
