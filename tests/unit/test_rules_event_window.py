"""Rule event-window (D): a shift at an event (item 8.1) lies within the event's time window."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from geo.domain import TargetFacts, TargetKind
from geo.regimes import get_regime
from geo.rules.event_window import event_window
from geo.rules.examples import example_facts, period, shift

REGIME = get_regime()
MATCH = TargetFacts(TargetKind.EVENT, 3, "Kairat - Astana", window=period("2026-05-09 18:00", "2026-05-09 23:00"))
FACTS = replace(example_facts(), target=MATCH)


def during(start, end, target=MATCH):
    return replace(FACTS, shift=shift(start, end), target=target)


@pytest.mark.parametrize("start, end", [
    pytest.param("2026-05-09 18:00", "2026-05-09 23:00", id="D-event-window-both-edges-pass"),
    pytest.param("2026-05-09 18:00", "2026-05-09 20:00", id="D-event-window-starts-at-opening-passes"),
    pytest.param("2026-05-09 21:00", "2026-05-09 23:00", id="D-event-window-ends-at-closing-passes"),
])
def test_d_event_window_passes(start, end):
    assert event_window(during(start, end), REGIME) == []


@pytest.mark.parametrize("start, end", [
    pytest.param("2026-05-09 17:59", "2026-05-09 23:00", id="D-event-window-one-minute-early-fails"),
    pytest.param("2026-05-09 18:00", "2026-05-09 23:01", id="D-event-window-one-minute-late-fails"),
    pytest.param("2026-05-10 10:00", "2026-05-10 12:00", id="D-event-window-next-day-fails"),
])
def test_d_event_window_fails(start, end):
    [violation] = event_window(during(start, end), REGIME)
    assert (violation.code, violation.item) == ("event-window", "D")
    assert "Kairat - Astana, 2026-05-09 18:00 – 2026-05-09 23:00" in violation.message


def test_d_event_window_fails_for_an_event_without_a_window():
    [violation] = event_window(during("2026-05-09 18:00", "2026-05-09 20:00", replace(MATCH, window=None)), REGIME)
    assert violation.code == "event-window"


def test_d_lead_and_trail_are_settings():
    lenient = replace(REGIME, window_lead=timedelta(hours=1), window_trail=timedelta(minutes=30))
    assert event_window(during("2026-05-09 17:00", "2026-05-09 23:30"), lenient) == []
    assert event_window(during("2026-05-09 16:59", "2026-05-09 23:30"), lenient) != []


def test_d_other_targets_have_no_window_rule_unless_configured():
    area = TargetFacts(TargetKind.EMERGENCY_AREA, 4, "Flood", window=period("2026-05-09 19:00", "2026-05-09 20:00"))
    assert event_window(replace(FACTS, target=area), REGIME) == []
    assert event_window(example_facts(), REGIME) == []
    windowed = replace(REGIME, windowed_target_kinds=frozenset({"event", "emergency_area"}))
    assert [v.code for v in event_window(replace(FACTS, target=area), windowed)] == ["event-window"]
