"""Each incident's coordinates in the UTM zone that holds it, stored beside the point.

A hot spot run counts incidents into cells of its metric CRS, by default the UTM zone of the
selection's centre (``geo.crs.utm_crs_for``). Transforming every selected point costs about 1.5 s
per million on one core and stops PostgreSQL from aggregating in parallel (the transform must be
fenced to run once per point). The incident's own zone (``kuzet_utm_srid``, the rule of
``utm_crs_for``) and its easting and northing there (``ST_Transform``, so the same bits a query
computes) are generated columns: a run in that zone groups stored numbers, while a run in another
CRS, or over incidents of another zone, transforms as before.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTM_SRID = """
CREATE FUNCTION kuzet_utm_srid(g geometry) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (CASE WHEN ST_Y(g) >= 0 THEN 32600 ELSE 32700 END)
         + (floor((ST_X(g) + 180.0) / 6.0)::integer % 60) + 1
$$
"""


def upgrade() -> None:
    op.execute(UTM_SRID)
    op.execute("""
        ALTER TABLE incident
          ADD COLUMN utm_srid integer GENERATED ALWAYS AS (kuzet_utm_srid(geom)) STORED,
          ADD COLUMN utm_x double precision GENERATED ALWAYS AS (ST_X(ST_Transform(geom, kuzet_utm_srid(geom)))) STORED,
          ADD COLUMN utm_y double precision GENERATED ALWAYS AS (ST_Y(ST_Transform(geom, kuzet_utm_srid(geom)))) STORED
    """)


def downgrade() -> None:
    op.execute("ALTER TABLE incident DROP COLUMN utm_y, DROP COLUMN utm_x, DROP COLUMN utm_srid")
    op.execute("DROP FUNCTION kuzet_utm_srid(geometry)")
