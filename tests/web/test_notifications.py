"""Shift notifications: every change of an assignment tells the account(s) holding it, in the app (badge,
list, marked read) and by e-mail through a real SMTP server (aiosmtpd), in the reader's language; an
SMTP server that is down never slows the request, the outbox keeps the error and the dispatcher sees
it, and once the server is up a retry delivers exactly once."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from geo.db.models import MailOutbox, Notification, Participant, UserAccount
from web.mail import send_due

from tests.conftest import add_user, make_app, sign_in
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)
from tests.support.smtp_inbox import mail_config, smtp_down, smtp_server  # noqa: F401  (fixtures)

ALMATY = ZoneInfo("Asia/Almaty")


def _start(lw) -> datetime:
    """A morning within the world's officer's duty, before the formation's evening shift (lw.upcoming)."""
    return datetime(2026, 12, 5, 9, 0, tzinfo=ALMATY)


def propose(client, lw) -> int:
    start = _start(lw)
    answer = client.post("/api/v1/assignments", json={
        "formation_id": lw.world.formation, "target_kind": "patrol_zone", "target_id": lw.world.zone,
        "activity": "8.1", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat(),
        "officer_id": lw.world.officer})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()["id"]


def clients(app, lw, *logins):
    return [sign_in(app.test_client(), login) for login in logins]


def set_locale(session, login: str, locale: str) -> None:
    session.execute(update(UserAccount).where(UserAccount.login == login).values(locale=locale))
    session.commit()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


# --- in the app -----------------------------------------------------------------------------------

def test_a_proposal_and_its_confirmation_notify_the_formations_leader_only(as_user, lw, session):
    assignment = propose(as_user("dispatcher"), lw)
    confirmed = as_user("supervisor").post(f"/api/v1/assignments/{assignment}/confirm", json={})
    assert confirmed.status_code == 200
    kinds = session.execute(select(UserAccount.login, Notification.kind)
                            .join(UserAccount, UserAccount.id == Notification.user_id)
                            .where(Notification.assignment_id == assignment).order_by(Notification.id)).all()
    assert [tuple(k) for k in kinds] == [("leader", "create"), ("leader", "confirmed")]  # not other.leader


def test_the_leader_lists_their_notifications_and_marks_them_read(as_user, lw):
    assignment = propose(as_user("dispatcher"), lw)
    as_user("dispatcher").post(f"/api/v1/assignments/{assignment}/cancel", json={"reason": "event moved"})
    leader = as_user("leader")
    shown = leader.get("/api/v1/my/notifications").get_json()
    assert shown["unread"] == 2
    newest, first = shown["items"][:2]
    assert newest["kind"] == "cancelled" and newest["reason"] == "event moved"
    assert first["kind"] == "create" and first["assignment_id"] == assignment
    assert newest["headline"].startswith("Shift cancelled: ") and first["headline"].startswith("New shift proposed: ")
    assert _start(lw).strftime("%H:%M") in first["headline"]  # in the regime's zone
    page = leader.get("/my/shifts").get_data(as_text=True)
    assert re.search(r'class="badge unread-badge"[^>]*>2</a>', page)
    answer = leader.post(f"/api/v1/my/notifications/{first['id']}/read")
    assert answer.status_code == 200 and answer.get_json()["unread"] == 1
    again = leader.post(f"/api/v1/my/notifications/{first['id']}/read")  # marking again changes nothing
    assert again.get_json()["unread"] == 1
    assert leader.post("/my/notifications/read").status_code == 302  # the page's "all read" form
    assert leader.get("/api/v1/my/notifications").get_json()["unread"] == 0
    assert "unread-badge" not in leader.get("/my/shifts").get_data(as_text=True)


def test_nobody_reads_or_marks_another_accounts_notifications(as_user, lw):
    propose(as_user("dispatcher"), lw)
    [mine] = as_user("leader").get("/api/v1/my/notifications").get_json()["items"]
    other = as_user("other.leader")
    assert other.get("/api/v1/my/notifications").get_json() == {"unread": 0, "items": []}
    refused = other.post(f"/api/v1/my/notifications/{mine['id']}/read")
    assert refused.status_code == 404 and refused.get_json()["message"]
    assert as_user("leader").get("/api/v1/my/notifications").get_json()["unread"] == 1
    assert as_user("dispatcher").get("/api/v1/my/notifications").status_code == 403


def test_a_notification_is_rendered_in_the_readers_language(as_user, lw, session):
    propose(as_user("dispatcher"), lw)
    set_locale(session, "leader", "ru")
    leader = as_user("leader")  # the account's choice is read at each request
    [item] = leader.get("/api/v1/my/notifications").get_json()["items"]
    assert item["headline"].startswith("Предложена новая смена: ")


def test_the_leader_sets_a_valid_address_and_a_bad_one_is_refused_storing_nothing(as_user, lw, session):
    leader = as_user("leader")
    assert leader.post("/my/email", data={"email": "  Leader@Samal.KZ "}).status_code == 302
    assert session.scalar(select(UserAccount.email).where(UserAccount.login == "leader")) == "Leader@samal.kz"
    refused = leader.post("/my/email", data={"email": "leader at samal"})
    assert refused.status_code == 400 and "is not an e-mail address" in refused.get_data(as_text=True)
    assert session.scalar(select(UserAccount.email).where(UserAccount.login == "leader")) == "Leader@samal.kz"
    assert leader.post("/my/email", data={"email": ""}).status_code == 302
    assert session.scalar(select(UserAccount.email).where(UserAccount.login == "leader")) is None
    assert as_user("dispatcher").post("/my/email", data={"email": "d@kz.kz"}).status_code == 403


# --- by e-mail ------------------------------------------------------------------------------------

def test_the_leaders_emails_arrive_in_their_language_with_the_shift(connection, lw, session, smtp_server):
    app = make_app(connection, **mail_config(smtp_server))
    dispatcher, supervisor, leader = clients(app, lw, "dispatcher", "supervisor", "leader")
    assert leader.post("/my/email", data={"email": "leader@samal.kz"}).status_code == 302
    set_locale(session, "leader", "kk")
    assignment = propose(dispatcher, lw)
    assert send_due(app).sent == 1
    [proposed] = smtp_server.messages
    assert proposed["To"].addresses[0].addr_spec == "leader@samal.kz"
    assert proposed["Subject"].startswith("kuzet: Жаңа ауысым ұсынылды: ")
    body = text_of(proposed)
    start = _start(lw)
    assert f"{start:%d.%m.%Y} 09:00 – {start:%d.%m.%Y} 13:00 (Asia/Almaty)" in body
    assert "Capt. Abenov" in body and "8.1" in body
    assert f"https://kuzet.example.kz/my/shifts#shift-{assignment}" in body
    assert proposed.get_body(preferencelist=("html",)) is not None and proposed["Content-Language"] == "kk"
    assert supervisor.post(f"/api/v1/assignments/{assignment}/confirm", json={}).status_code == 200
    assert send_due(app).sent == 1 and send_due(app).sent == 0
    assert smtp_server.messages[1]["Subject"].startswith("kuzet: Ауысым расталды: ")
    sent = session.scalars(select(MailOutbox).order_by(MailOutbox.id)).all()
    assert [m.attempts for m in sent] == [1, 1] and all(m.sent_at for m in sent)


def test_smtp_down_keeps_the_request_fast_shows_the_dispatcher_and_a_retry_delivers_once(connection, lw, session,
                                                                                          smtp_down):
    app = make_app(connection, **mail_config(smtp_down, MAIL_RETRY_S=60))
    dispatcher, leader = clients(app, lw, "dispatcher", "leader")
    leader.post("/my/email", data={"email": "leader@samal.kz"})
    began = time.monotonic()
    assignment = propose(dispatcher, lw)
    assert time.monotonic() - began < 2.0  # nothing is sent in the request
    tried = send_due(app)
    assert (tried.sent, tried.failed) == (0, 1)
    row = session.scalar(select(MailOutbox))
    session.refresh(row)
    assert row.sent_at is None and row.attempts == 1 and "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at - row.last_attempt_at == timedelta(seconds=60)
    page = dispatcher.get(f"/dispatch?date={_start(lw):%Y-%m-%d}").get_data(as_text=True)
    notice = page[page.index('id="mail-undelivered"'):]
    assert f"Assignment {assignment} → leader@samal.kz" in notice and "ConnectionRefusedError" in notice
    assert "1 attempt" in notice
    smtp_down.start()
    assert send_due(app).sent == 0  # not due before the wait
    later = datetime.now(timezone.utc) + timedelta(seconds=61)
    assert send_due(app, now=lambda: later).sent == 1
    assert send_due(app, now=lambda: later + timedelta(hours=1)).sent == 0
    assert len(smtp_down.messages) == 1  # exactly once
    session.refresh(row)
    assert row.sent_at is not None and row.attempts == 2
    assert 'id="mail-undelivered"' not in dispatcher.get(f"/dispatch?date={_start(lw):%Y-%m-%d}").get_data(as_text=True)


def test_an_email_is_given_up_after_the_attempts_allowed(connection, lw, session, smtp_down):
    app = make_app(connection, **mail_config(smtp_down, MAIL_RETRY_S=0, MAIL_MAX_ATTEMPTS=2))
    dispatcher, leader = clients(app, lw, "dispatcher", "leader")
    leader.post("/my/email", data={"email": "leader@samal.kz"})
    propose(dispatcher, lw)
    assert send_due(app).failed == 1 and send_due(app).failed == 1 and send_due(app).failed == 0
    assert session.scalar(select(func.max(MailOutbox.attempts))) == 2
    page = dispatcher.get(f"/dispatch?date={_start(lw):%Y-%m-%d}").get_data(as_text=True)
    assert "given up" in page


def test_no_address_no_email(as_user, lw, session):
    propose(as_user("dispatcher"), lw)
    assert session.scalar(select(func.count()).select_from(MailOutbox)) == 0
    assert session.scalar(select(func.count()).select_from(Notification)) == 1




def test_a_change_of_the_shift_says_when_it_was_before(as_user, lw):
    assignment = propose(as_user("dispatcher"), lw)
    later = _start(lw) + timedelta(hours=1)
    changed = as_user("dispatcher").patch(f"/api/v1/assignments/{assignment}", json={
        "starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=3)).isoformat()})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    newest = as_user("leader").get("/api/v1/my/notifications").get_json()["items"][0]
    assert newest["kind"] == "update" and newest["headline"].startswith("Shift changed: ")
    assert datetime.fromisoformat(newest["before_starts_at"]) == _start(lw)
    assert datetime.fromisoformat(newest["starts_at"]) == later
    page = as_user("leader").get("/my/shifts").get_data(as_text=True)
    fmt = lambda t: t.astimezone(ZoneInfo("Asia/Almaty")).strftime("%H:%M")  # noqa: E731
    before_end, end = _start(lw) + timedelta(hours=4), later + timedelta(hours=3)
    assert re.search(rf"now [^<]*{fmt(later)} – [^<]*{fmt(end)}, was [^<]*{fmt(_start(lw))} – [^<]*{fmt(before_end)}",
                     page), page[page.find('class="hint changed"'):][:300]


def test_an_individual_participants_task_notifies_their_own_account(app, lw, session):
    row = Participant(full_name="Ainur Kasymova", birth_date=datetime(1992, 4, 2).date(),
                      registration_status="registered", certificate_number="C-ainur", certificate_status="issued",
                      legal_training_on=datetime(2026, 1, 20).date(), participation_form="individual")
    session.add(row)
    session.flush()
    add_user(session, "ainur", ["participant"], participant_id=row.id)
    session.commit()
    dispatcher, ainur = clients(app, lw, "dispatcher", "ainur")
    start = _start(lw)
    made = dispatcher.post("/api/v1/assignments", json={
        "participant_id": row.id, "target_kind": "patrol_zone", "target_id": lw.world.zone, "activity": "6.1",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()})
    assert made.status_code == 201, made.get_data(as_text=True)
    shown = ainur.get("/api/v1/my/notifications").get_json()
    assert shown["unread"] == 1 and shown["items"][0]["assignment_id"] == made.get_json()["id"]
    assert as_user_count(session, "leader") == 0  # not the formation's leader


def as_user_count(session, login: str) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .join(UserAccount, UserAccount.id == Notification.user_id).where(UserAccount.login == login))


# --- the command line -----------------------------------------------------------------------------

def test_the_cli_sets_an_address_and_sends_the_due_emails(connection, lw, session, smtp_server):
    app = make_app(connection, **mail_config(smtp_server))
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["user", "set-email", "leader", "leader at samal"])
    assert refused.exit_code == 1 and "is not an e-mail address" in refused.output
    out = cli.invoke(args=["user", "set-email", "leader", "leader@samal.kz"])
    assert out.exit_code == 0 and "leader@samal.kz" in out.output, out.output
    [dispatcher] = clients(app, lw, "dispatcher")
    propose(dispatcher, lw)
    sent = cli.invoke(args=["mail", "send"])
    assert sent.exit_code == 0 and "1 e-mail sent" in sent.output, sent.output
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages] == ["leader@samal.kz"]
    assert "0 e-mails sent" in cli.invoke(args=["mail", "send"]).output


def test_the_cli_says_when_no_smtp_server_is_configured(app):
    out = app.test_cli_runner().invoke(args=["mail", "send"])
    assert out.exit_code == 1 and "KUZET_SMTP_HOST" in out.output
