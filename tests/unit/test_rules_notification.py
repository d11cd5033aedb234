"""Rule formation-notified (Order 641 item 7): no assignment before the police are notified."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from geo.domain import Notification
from geo.regimes import get_regime
from geo.rules.examples import example_facts
from geo.rules.notification import formation_notified

REGIME = get_regime()
FACTS = example_facts()


def with_notification(notification, *, collective=True):
    return replace(FACTS, formation=replace(FACTS.formation, notification=notification,
                                            is_collective=collective))


def test_item_7_formation_notified_passes():
    assert formation_notified(FACTS, REGIME) == []


@pytest.mark.parametrize("notification", [
    pytest.param(Notification(7, date(2026, 5, 9), "UPP-7/1"), id="item-7-notified-on-the-shift-date"),
    pytest.param(Notification(9, date(2020, 1, 1), "old"), id="item-7-notified-long-before"),
])
def test_item_7_a_notification_on_or_before_the_shift_date_passes(notification):
    assert formation_notified(with_notification(notification), REGIME) == []


@pytest.mark.parametrize("notification", [
    pytest.param(None, id="item-7-formation-notified-fails-without-notification"),
    pytest.param(Notification(7, date(2026, 5, 1), "  "), id="item-7-formation-notified-fails-blank-reference"),
    pytest.param(Notification(7, date(2026, 5, 10), "UPP-7/2"), id="item-7-formation-notified-fails-after-shift"),
])
def test_item_7_formation_notified_fails(notification):
    [violation] = formation_notified(with_notification(notification), REGIME)
    assert (violation.code, violation.item) == ("formation-notified", "7")
    assert "Samal Druzhina" in violation.message


def test_item_7_a_lone_participant_needs_no_notification():
    assert formation_notified(with_notification(None, collective=False), REGIME) == []


def test_item_7_the_message_goes_through_the_given_gettext():
    def shout(msgid, **params):
        return (msgid % params).upper()

    [violation] = formation_notified(with_notification(None), REGIME, _=shout)
    assert violation.message.startswith("FORMATION SAMAL DRUZHINA HAS NOT NOTIFIED")
