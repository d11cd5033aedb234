"""Personal API tokens: make one (its secret shown once), list them, revoke one."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from geo.errors import InvalidInput
from geo.messages import N_, Message
from geo.services import api_tokens

from ..auth import current_principal
from ..db import get_session
from ..formats import format_moment
from ..messages import localised
from . import bp

MAX_DAYS = 3650


def _local(moment: datetime | None) -> str:
    return "" if moment is None else format_moment(moment)


def _page(*, created: api_tokens.NewToken | None = None, error: str | None = None, status: int = 200):
    tokens = api_tokens.list_tokens(get_session(), current_principal())
    for t in tokens:
        for key in ("created_at", "last_used_at", "expires_at", "revoked_at"):
            t[key] = _local(t[key])
    ogc = url_for("ogc.landing", _external=True)
    return render_template("tokens.html", tokens=tokens, created=created, error=error, ogc=ogc), status


@bp.get("/tokens")
def tokens():
    """The user's API tokens and a form to make one."""
    return _page()


def _expiry(text: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        days = int(text)
    except ValueError:
        raise InvalidInput(Message("web.account.validity-whole-number",
                                   N_("The validity must be a whole number of days."))) from None
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(Message("web.account.validity-days",
                                   N_("The validity must be 1 to %(max)d days."), max=MAX_DAYS))
    return datetime.now(timezone.utc) + timedelta(days=days)


@bp.post("/tokens")
def create_token():
    """Make a token; the page shows its secret this once."""
    db = get_session()
    try:
        created = api_tokens.create_token(db, current_principal(), name=request.form.get("name", ""),
                                          expires_at=_expiry(request.form.get("days", "")))
    except InvalidInput as exc:
        db.rollback()
        return _page(error=localised(exc.msg), status=400)
    db.commit()
    return _page(created=created, status=201)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    """Revoke one of the user's tokens (at once: the next request with it is refused)."""
    db = get_session()
    api_tokens.revoke_token(db, current_principal(), token_id)
    db.commit()
    flash(_("The token was revoked."))
    return redirect(url_for("account.tokens"))
