"""The incidents counted into fine Web Mercator cells, kept current by the database.

The overview map's incident tiles below the points zoom are cells with the number of incidents in
each; a zoom-11 tile over a city counted three quarters of a million incidents per request (0.3–0.5 s
warm, over 1 s for six tiles at once on two cores). ``incident_cell`` holds the count of incidents in
each square of ``HALF_WORLD / 2**17`` metres of EPSG:3857 (153 m; the cell of zoom 15's tile, which is
eight cells wide), keyed by ``floor(merc_x / size)``, ``floor(merc_y / size)``; every coarser zoom's
cell is a block of these (an arithmetic shift of the key), so a tile sums at most a few thousand
rows. Statement-level triggers with transition tables keep it equal to ``incident`` on every INSERT
(COPY and imports too), UPDATE, DELETE and TRUNCATE, one grouped upsert per statement; a cell whose
count falls to zero is deleted. Keys are upserted in order, so concurrent writers lock cells in the
same order; a writer still holds its cells' rows until it commits, so a single insert into a cell a
long import has touched waits for that import's commit.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-02
"""
from alembic import op
from psycopg import sql

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None

# The cell's side is HALF_WORLD (geo.db.tiles) / 2**17, the same double the tile statement divides by;
# one SQL function holds it, so every statement below is fixed text (a trigger's body takes no
# bound parameters).
CELL_SIZE = """
    CREATE FUNCTION kuzet_incident_cell_m() RETURNS double precision IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS 'SELECT 20037508.342789244::double precision / 131072'
"""

# A proposed row is checked before its conflict is found, so losses are applied by UPDATE, gains by
# an upsert (keys in order: concurrent writers lock cells in the same order); emptied cells go.
INSERT_BODY = """
    INSERT INTO incident_cell AS c (ix, iy, count)
    SELECT ix, iy, delta FROM (
        SELECT floor(merc_x / kuzet_incident_cell_m())::integer AS ix,
               floor(merc_y / kuzet_incident_cell_m())::integer AS iy, count(*)::integer AS delta
        FROM new_rows WHERE merc_x IS NOT NULL GROUP BY 1, 2) AS g
    ORDER BY ix, iy
    ON CONFLICT (ix, iy) DO UPDATE SET count = c.count + EXCLUDED.count;
"""
DELETE_BODY = """
    UPDATE incident_cell AS c SET count = c.count - g.lost FROM (
        SELECT floor(merc_x / kuzet_incident_cell_m())::integer AS ix,
               floor(merc_y / kuzet_incident_cell_m())::integer AS iy, count(*)::integer AS lost
        FROM old_rows WHERE merc_x IS NOT NULL GROUP BY 1, 2) AS g
    WHERE c.ix = g.ix AND c.iy = g.iy;
    DELETE FROM incident_cell WHERE count = 0;
"""
# An update moves rows between cells: the net change per cell, losses applied before gains.
CHANGES = """
    SELECT ix, iy, sum(d)::integer AS delta FROM (
        SELECT floor(merc_x / kuzet_incident_cell_m())::integer AS ix,
               floor(merc_y / kuzet_incident_cell_m())::integer AS iy, 1 AS d
        FROM new_rows WHERE merc_x IS NOT NULL
        UNION ALL
        SELECT floor(merc_x / kuzet_incident_cell_m())::integer, floor(merc_y / kuzet_incident_cell_m())::integer, -1
        FROM old_rows WHERE merc_x IS NOT NULL) AS ch
    GROUP BY ix, iy
"""
UPDATE_BODY = """
    UPDATE incident_cell AS c SET count = c.count + g.delta FROM (""" + CHANGES + """) AS g
    WHERE g.delta < 0 AND c.ix = g.ix AND c.iy = g.iy;
    DELETE FROM incident_cell WHERE count = 0;
    INSERT INTO incident_cell AS c (ix, iy, count)
    SELECT ix, iy, delta FROM (""" + CHANGES + """) AS g WHERE delta > 0 ORDER BY ix, iy
    ON CONFLICT (ix, iy) DO UPDATE SET count = c.count + EXCLUDED.count;
"""
TRIGGERS = (
    ("insert", INSERT_BODY, "AFTER INSERT ON incident REFERENCING NEW TABLE AS new_rows"),
    ("delete", DELETE_BODY, "AFTER DELETE ON incident REFERENCING OLD TABLE AS old_rows"),
    ("update", UPDATE_BODY, "AFTER UPDATE ON incident REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("truncate", "TRUNCATE incident_cell;", "AFTER TRUNCATE ON incident"),
)


def upgrade() -> None:
    op.execute("""
        CREATE TABLE incident_cell (
            ix integer NOT NULL,
            iy integer NOT NULL,
            count integer NOT NULL CONSTRAINT incident_cell_count_not_negative CHECK (count >= 0),
            PRIMARY KEY (ix, iy)
        )
    """)
    op.execute(CELL_SIZE)
    for event, body, when in TRIGGERS:
        function, trigger = sql.Identifier(f"kuzet_incident_cells_{event}"), sql.Identifier(f"incident_cells_{event}")
        _run(sql.SQL("CREATE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}").format(
            function, sql.Literal(f"BEGIN {body} RETURN NULL; END")))
        _run(sql.SQL("CREATE TRIGGER {} " + when + " FOR EACH STATEMENT EXECUTE FUNCTION {}()").format(
            trigger, function))
    op.execute("""
        INSERT INTO incident_cell (ix, iy, count)
        SELECT floor(merc_x / kuzet_incident_cell_m())::integer, floor(merc_y / kuzet_incident_cell_m())::integer,
               count(*)
        FROM incident WHERE merc_x IS NOT NULL GROUP BY 1, 2
    """)
    op.execute("ANALYZE incident_cell")


def _run(statement: sql.Composed) -> None:
    """A statement composed with psycopg's ``sql`` (identifiers and literals quoted by the driver)."""
    connection = op.get_bind().connection.driver_connection
    op.execute(statement.as_string(connection))


def downgrade() -> None:
    for event, _body, _when in TRIGGERS:
        _run(sql.SQL("DROP TRIGGER {} ON incident").format(sql.Identifier(f"incident_cells_{event}")))
        _run(sql.SQL("DROP FUNCTION {}()").format(sql.Identifier(f"kuzet_incident_cells_{event}")))
    op.execute("DROP FUNCTION kuzet_incident_cell_m()")
    op.execute("DROP TABLE incident_cell")
