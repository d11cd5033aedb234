"""The formation leader's own shifts, and acknowledging one."""
from __future__ import annotations

from geo import services

from ..auth import current_principal
from ..config import zone_name
from ..db import get_session
from ..formats import reader_locale
from ..geojson import geojson_response
from . import bp


@bp.get("/my/assignments")
def my_assignments():
    """The leader's formation's upcoming and past assignments, with officer and members."""
    return geojson_response(services.my_shifts(get_session(), current_principal(),
                                               timezone_name=zone_name(), locale=reader_locale()))


@bp.post("/assignments/<int:assignment_id>/acknowledge")
def acknowledge_assignment(assignment_id: int):
    """The leader acknowledges a shift of their formation (recorded once, audited)."""
    session = get_session()
    feature = services.acknowledge_assignment(session, current_principal(), assignment_id,
                                              timezone_name=zone_name())
    session.commit()
    return geojson_response(feature)
