"""The database refuses what rule ``collective-only`` refuses: an individual participant given an
activity done only by a formation (Order 641, Rules items 5–8: item 8's types are collective). The
form of each activity comes from ``activity_type`` (migration 0021), so no item number is written here.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04
"""
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE FUNCTION assignment_collective_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.participant_id IS NOT NULL AND NEW.formation_id IS NULL AND EXISTS (
                    SELECT 1 FROM activity_type t
                    WHERE t.regime = NEW.regime AND t.code = NEW.activity AND t.form = 'collective') THEN
                RAISE EXCEPTION 'activity % of % is done only by a formation, not by participant %',
                                NEW.activity, NEW.regime, NEW.participant_id
                      USING ERRCODE = 'check_violation', CONSTRAINT = 'assignment_collective_only';
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER assignment_collective_only BEFORE INSERT OR UPDATE OF participant_id, regime, activity "
               "ON assignment FOR EACH ROW EXECUTE FUNCTION assignment_collective_only()")


def downgrade() -> None:
    op.execute("DROP TRIGGER assignment_collective_only ON assignment")
    op.execute("DROP FUNCTION assignment_collective_only()")
