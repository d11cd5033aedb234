"""The language each user chose with the page's switch (``user_account.locale``).

NULL means not chosen: the reader's cookie, browser or the ``KUZET_LOCALE`` setting decides. The
CHECK holds the languages kuzet has catalogues for (``geo.settings.LOCALES``).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        ALTER TABLE user_account
          ADD COLUMN locale text CONSTRAINT user_account_locale_known CHECK (locale IN ('ru', 'kk', 'en'))
    """)


def downgrade() -> None:
    op.execute("ALTER TABLE user_account DROP COLUMN locale")
