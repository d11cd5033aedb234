"""Shift notifications: in the app (``notification``) and by e-mail (``mail_outbox``), and an e-mail
address per account.

A trigger on ``assignment_history`` writes them, so every path that changes an assignment (the one
history writer, ``geo.db.assignment_writes``, and anything added later) notifies in the same
transaction: each active account holding the shift before or after the change (the formation's
leaders, or the individual participant's own account) gets a notification, except the account that
made the change; an account with an e-mail address also gets an outbox row, sent later by the
background sender or ``kuzet mail send``. Only ids and parameters are stored; the text is rendered in
the reader's language when shown or sent.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

NOTIFY = """
CREATE FUNCTION notify_shift_holders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notification (user_id, assignment_id, history_id, kind, params)
    SELECT u.id, NEW.assignment_id, NEW.id, NEW.action,
           jsonb_build_object('shift', NEW.after -> 'shift', 'before_shift', NEW.before -> 'shift',
                              'status', NEW.after ->> 'status', 'reason', NEW.after ->> 'status_reason')
      FROM user_account u
     WHERE u.active AND u.login <> NEW.actor
       AND (('leader' = ANY (u.roles) AND u.formation_id IN ((NEW.after ->> 'formation_id')::int,
                                                             (NEW.before ->> 'formation_id')::int))
            OR ('participant' = ANY (u.roles) AND u.participant_id IN ((NEW.after ->> 'participant_id')::int,
                                                                       (NEW.before ->> 'participant_id')::int)));
    INSERT INTO mail_outbox (notification_id, to_address)
    SELECT n.id, u.email
      FROM notification n JOIN user_account u ON u.id = n.user_id
     WHERE n.history_id = NEW.id AND u.email IS NOT NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER assignment_history_notifies AFTER INSERT ON assignment_history
    FOR EACH ROW EXECUTE FUNCTION notify_shift_holders();
"""


def upgrade() -> None:
    op.add_column("user_account", sa.Column("email", sa.Text))
    op.create_check_constraint("email_shape", "user_account",
                               r"email IS NULL OR (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254)")
    op.create_table(
        "notification",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignment.id", ondelete="CASCADE"), nullable=False),
        sa.Column("history_id", sa.BigInteger, nullable=False),  # assignment_history is append-only
        sa.Column("kind", sa.Text, nullable=False),  # the history's action: create, update, confirmed, ...
        sa.Column("params", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("history_id", "user_id"),
    )
    op.create_index("ix_notification_user", "notification", ["user_id", sa.text("created_at DESC")])
    op.create_index("ix_notification_unread", "notification", ["user_id"], postgresql_where=sa.text("read_at IS NULL"))
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("notification_id", sa.BigInteger, sa.ForeignKey("notification.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("to_address", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("attempts", sa.Integer, server_default="0", nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("attempts >= 0", name="attempts_counted"),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["next_attempt_at"],
                    postgresql_where=sa.text("sent_at IS NULL"))
    op.execute(NOTIFY)


def downgrade() -> None:
    op.execute("DROP TRIGGER assignment_history_notifies ON assignment_history")
    op.execute("DROP FUNCTION notify_shift_holders()")
    op.drop_table("mail_outbox")
    op.drop_table("notification")
    op.drop_constraint("email_shape", "user_account")
    op.drop_column("user_account", "email")
