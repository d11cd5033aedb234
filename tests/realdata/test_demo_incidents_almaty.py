"""The synthetic incident generator of the demo on the real Almaty places."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from geo.demo.incidents import incident_anchors, synthetic_incidents

NOW = datetime(2026, 5, 1, tzinfo=ZoneInfo("Asia/Almaty"))  # the demo's reference day


@pytest.mark.realdata
def test_on_the_real_almaty_places_every_incident_lies_in_a_district(shared_data):
    from geo.demo import places
    from geo.demo.sources import read_almaty

    data = read_almaty(shared_data)
    anchors = incident_anchors(places.public_places_frame(data), places.residential_frame(data))
    frame = synthetic_incidents(anchors, data.city, seed=7, count=1500, now=NOW)
    assert len(frame) == 1500
    assert frame.to_crs(data.crs).within(data.city).all()
