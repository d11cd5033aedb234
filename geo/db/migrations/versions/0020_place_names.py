"""Place names in Russian, Kazakh and English beside the original ``name``.

OSM tags ``name:ru``, ``name:kk`` and ``name:en`` are kept at import where a feature has them, so a
page, tile or API feature can show the reader's language and fall back to ``name``
(``geo.db.names``). Districts had ``name_ru``/``name_kk`` from the start; the basemap had the two
but not English.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None

# table → the name columns it gains
ADDED = {
    "public_place": ("name_ru", "name_kk", "name_en"),
    "pasture": ("name_ru", "name_kk", "name_en"),
    "crop_field": ("name_ru", "name_kk", "name_en"),
    "campus": ("name_ru", "name_kk", "name_en"),
    "street_segment": ("name_ru", "name_kk", "name_en"),
    "basemap_feature": ("name_en",),
}


def upgrade() -> None:
    for table, columns in ADDED.items():
        for column in columns:
            op.add_column(table, sa.Column(column, sa.Text))


def downgrade() -> None:
    for table, columns in ADDED.items():
        for column in reversed(columns):
            op.drop_column(table, column)
