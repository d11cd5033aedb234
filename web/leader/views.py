"""The formation leader's (or an individual participant's) "My shifts", built for a phone screen, and
acknowledging a shift."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask import session as session_store
from flask_babel import gettext as _
from flask_login import current_user
from shapely.geometry import shape
from sqlalchemy.exc import DBAPIError

from geo import services
from geo.errors import Forbidden
from geo.services import target_label

from ..auth import current_principal
from ..config import settings, zone_name
from ..db import get_session
from ..formats import reader_locale, format_moment
from ..maps.cards import render_maps, target_map
from ..maps.render import MapOptions
from . import bp
from .calendar import shifts_calendar
from ..notices import with_headlines

# Where the page keeps a new calendar address for the one page view that shows it.
FEED_URL_KEY = "calendar_feed_url"


def status_labels() -> dict[str, str]:
    return {"proposed": _("proposed"), "confirmed": _("confirmed"), "rejected": _("rejected"),
            "cancelled": _("cancelled")}


def when(iso: str | None) -> str:
    """An ISO time as the page shows it, in the reader's format and the regime's zone: 05.12.2026 18:00."""
    return format_moment(iso) if iso else "…"


def _maps(features: list[dict]):
    """A small still map per shift with its target embedded, on the basemap.

    These stay embedded GeoJSON, not vector tiles: each map holds one feature, the shift's own
    target, so the page grows with the leader's own shifts (the upcoming ones and at most 20 past,
    ``services.my_shifts``), never with the city's layers or incidents, and a phone draws it with
    no tile request beyond the basemap's.
    """
    options = MapOptions.from_settings(settings())
    maps = {}
    for f in features:
        if f["geometry"] is not None:
            p = f["properties"]
            bounds = shape(f["geometry"]).bounds
            if p.get("route"):
                bounds = shape(f["geometry"]).union(shape(p["route"]["geometry"])).bounds
            maps[f["id"]] = target_map(f["geometry"], p["target_name"], bounds, options, route=p.get("route"))
    return render_maps(maps)


@bp.get("/my/shifts")
def my_shifts():
    """The leader's (or individual participant's own) upcoming and past shifts: target map, officer,
    members, acknowledgement."""
    shown = services.my_shifts(get_session(), current_principal(), timezone_name=zone_name(),
                               locale=reader_locale())
    features = shown["features"]
    feed_url = session_store.pop(FEED_URL_KEY, None)
    presence = services.my_presence(get_session(), current_principal(), [f["id"] for f in features],
                                    timezone_name=zone_name())
    consent = (services.consent_state(get_session(), current_principal(), timezone_name=zone_name())
               if presence or _linked() else None)
    notices = with_headlines(services.notification_list(get_session(), current_principal(), timezone_name=zone_name(),
                                                        locale=reader_locale()))
    return render_template("my_shifts.html", title=_("My shifts"), formation=shown["formation"],
                           notices=notices, email=services.account_email(get_session(), current_principal()),
                           has_feed=services.has_calendar_feed(get_session(), current_principal()),
                           feed_url=feed_url,
                           participant=shown["participant"],
                           upcoming=[f for f in features if f["properties"]["upcoming"]],
                           past=[f for f in features if not f["properties"]["upcoming"]],
                           parts=_maps(features), when=when, statuses=status_labels(),
                           presence=presence, consent=consent, presence_settings=settings().presence,
                           kind=lambda k: target_label(k, _))


def _linked() -> bool:
    """True when the signed-in account is (or leads as) a participant who can check in."""
    try:
        services.own_participant(get_session(), current_principal())
    except Forbidden:
        return False
    return True


@bp.post("/my/shifts/<int:assignment_id>/acknowledge")
def acknowledge(assignment_id: int):
    """Acknowledge one of the leader's (or individual participant's) shifts (a form with the CSRF token)."""
    session = get_session()
    feature = services.acknowledge_assignment(session, current_principal(), assignment_id,
                                              timezone_name=zone_name())
    session.commit()
    flash(_("Shift at %(target)s on %(start)s acknowledged.", target=feature["properties"]["target_name"],
            start=when(feature["properties"]["starts_at"])))
    return redirect(url_for("leader.my_shifts") + f"#shift-{assignment_id}")


@bp.post("/my/calendar")
def new_calendar():
    """A new calendar address for the signed-in leader's (or participant's) shifts; the old one stops.
    The address is shown once, on the page this redirects to."""
    session = get_session()
    secret = services.new_calendar_feed(session, current_principal())
    session.commit()
    session_store[FEED_URL_KEY] = url_for("leader.calendar_feed", secret=secret, _external=True)
    return redirect(url_for("leader.my_shifts") + "#calendar")


@bp.post("/my/calendar/stop")
def stop_calendar():
    """Stop the signed-in user's calendar address."""
    session = get_session()
    if services.revoke_calendar_feed(session, current_principal()):
        flash(_("The calendar address is stopped; calendars subscribed to it get no more shifts."))
    session.commit()
    return redirect(url_for("leader.my_shifts") + "#calendar")


@bp.get("/calendar/<secret>.ics")
def calendar_feed(secret: str):
    """The shifts of a calendar address as iCalendar (RFC 5545), with no sign-in: the secret is the key.
    404 for an unknown or stopped address."""
    shown = services.calendar_shifts(get_session(), secret, timezone_name=zone_name(), locale=reader_locale())
    body = shifts_calendar(shown, kind=lambda k: target_label(k, _))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="kuzet-shifts.ics"', "Cache-Control": "private, max-age=300"})


@bp.post("/my/notifications/<int:notification_id>/read")
def read_notification(notification_id: int):
    """Mark one of the signed-in shift holder's notifications read (a form with the CSRF token)."""
    session = get_session()
    services.mark_notifications_read(session, current_principal(), notification_id)
    session.commit()
    return redirect(url_for("leader.my_shifts") + "#notifications")


@bp.post("/my/notifications/read")
def read_all_notifications():
    """Mark all of the signed-in shift holder's notifications read."""
    session = get_session()
    services.mark_notifications_read(session, current_principal())
    session.commit()
    return redirect(url_for("leader.my_shifts") + "#notifications")


@bp.post("/my/email")
def set_email():
    """The shift holder sets (or, left empty, removes) the address their notifications are e-mailed to."""
    session = get_session()
    email = services.set_my_email(session, current_principal(), request.form.get("email"))
    session.commit()
    flash(_("Notifications will be e-mailed to %(email)s.", email=email) if email
          else _("Notifications will not be e-mailed."))
    return redirect(url_for("leader.my_shifts") + "#notifications")


@bp.app_context_processor
def unread_badge() -> dict:
    """``unread_notifications()`` for the header's badge: the signed-in shift holder's unread count."""
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        try:
            return services.unread_notifications(get_session(), current_principal())
        except DBAPIError:  # an error page while the database is away shows no badge
            return 0
    return {"unread_notifications": unread_notifications}
