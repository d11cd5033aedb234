"""The leader world plus a shift happening now, for the presence tests: the leader's account is
linked to its own participant (a member on the shift), and an analyst."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from geo.db.models import UserAccount

from tests.conftest import add_user
from tests.support.leader_world import LeaderWorld, _assignment, build_leader_world


@dataclass
class PresenceWorld:
    lw: LeaderWorld
    now_shift: int      # the formation's confirmed shift, started an hour ago, 4 hours long
    other_now: int      # the other formation's shift now, elsewhere
    tag: str


def build_presence_world(session: Session, tag: str = "") -> PresenceWorld:
    lw = build_leader_world(session, tag=tag)
    w = lw.world
    now = datetime.now(timezone.utc)
    shift = _assignment(session, formation=w.formation, zone=w.zone, officer=w.officer,
                        start=now - timedelta(hours=1), status="confirmed", members=(w.adult,))
    other = _assignment(session, formation=w.unnotified, zone=w.far_zone, officer=w.other_officer,
                        start=now - timedelta(hours=1), status="proposed", members=(w.minor,))
    t = tag.lower().replace(" ", "")
    session.get(UserAccount, lw.leader.user_id).participant_id = w.adult
    session.get(UserAccount, lw.other_leader.user_id).participant_id = w.minor
    add_user(session, f"analyst{t}", ["analyst"])
    session.flush()
    return PresenceWorld(lw=lw, now_shift=shift, other_now=other, tag=t)
