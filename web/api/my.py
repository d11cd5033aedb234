"""The formation leader's own shifts, and acknowledging one."""
from __future__ import annotations

from flask import jsonify

from geo import services

from ..auth import current_principal
from ..config import zone_name
from ..db import get_session
from ..formats import reader_locale
from ..geojson import geojson_response
from ..notices import with_headlines
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


@bp.get("/my/notifications")
def my_notifications():
    """The signed-in shift holder's latest notifications (newest first, each with its headline) and the unread count."""
    shown = services.notification_list(get_session(), current_principal(), timezone_name=zone_name(),
                                       locale=reader_locale())
    return jsonify(with_headlines(shown))


@bp.post("/my/notifications/<int:notification_id>/read")
def read_my_notification(notification_id: int):
    """Mark one notification read; answers the unread count left."""
    session = get_session()
    services.mark_notifications_read(session, current_principal(), notification_id)
    session.commit()
    return jsonify({"unread": services.unread_notifications(session, current_principal())})


@bp.post("/my/notifications/read")
def read_my_notifications():
    """Mark all the signed-in shift holder's notifications read; answers how many were unread."""
    session = get_session()
    marked = services.mark_notifications_read(session, current_principal())
    session.commit()
    return jsonify({"marked": marked, "unread": 0})
