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

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None

# HALF_WORLD (geo.db.tiles) / 2**17: the same double the tile statement divides by.
CELL = "(20037508.342789244::double precision / 131072)"
KEY = f"floor(merc_x / {CELL})::integer AS ix, floor(merc_y / {CELL})::integer AS iy"

# A proposed row is checked before its conflict is found, so losses are applied by UPDATE, gains by
# an upsert; the cells a statement emptied are deleted.
GROUPED = "SELECT ix, iy, sum(d)::integer AS delta FROM ({changes}) AS ch GROUP BY ix, iy"
GAINS = """
    INSERT INTO incident_cell AS c (ix, iy, count)
    SELECT ix, iy, delta FROM ({grouped}) AS g WHERE delta > 0 ORDER BY ix, iy
    ON CONFLICT (ix, iy) DO UPDATE SET count = c.count + EXCLUDED.count;
"""
LOSSES = """
    UPDATE incident_cell AS c SET count = c.count + g.delta FROM ({grouped}) AS g
    WHERE g.delta < 0 AND c.ix = g.ix AND c.iy = g.iy;
    DELETE FROM incident_cell WHERE count = 0;
"""
ADDED = f"SELECT {KEY}, 1 AS d FROM new_rows WHERE merc_x IS NOT NULL"
REMOVED = f"SELECT {KEY}, -1 AS d FROM old_rows WHERE merc_x IS NOT NULL"
CHANGED = GROUPED.format(changes=f"{ADDED} UNION ALL {REMOVED}")
FUNCTIONS = {
    "insert": GAINS.format(grouped=GROUPED.format(changes=ADDED)),
    "delete": LOSSES.format(grouped=GROUPED.format(changes=REMOVED)),
    "update": LOSSES.format(grouped=CHANGED) + GAINS.format(grouped=CHANGED),
}
REFERENCING = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
               "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}


def upgrade() -> None:
    op.execute("""
        CREATE TABLE incident_cell (
            ix integer NOT NULL,
            iy integer NOT NULL,
            count integer NOT NULL CONSTRAINT incident_cell_count_not_negative CHECK (count >= 0),
            PRIMARY KEY (ix, iy)
        )
    """)
    for event, body in FUNCTIONS.items():
        op.execute(f"""
            CREATE FUNCTION kuzet_incident_cells_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
            {body}
                RETURN NULL;
            END $$
        """)
        op.execute(f"""
            CREATE TRIGGER incident_cells_{event} AFTER {event.upper()} ON incident
            REFERENCING {REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION kuzet_incident_cells_{event}()
        """)
    op.execute("""
        CREATE FUNCTION kuzet_incident_cells_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE incident_cell;
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER incident_cells_truncate AFTER TRUNCATE ON incident
        FOR EACH STATEMENT EXECUTE FUNCTION kuzet_incident_cells_truncate()
    """)
    op.execute(f"""
        INSERT INTO incident_cell (ix, iy, count)
        SELECT ix, iy, count(*) FROM (SELECT {KEY} FROM incident WHERE merc_x IS NOT NULL) AS k GROUP BY ix, iy
    """)
    op.execute("ANALYZE incident_cell")


def downgrade() -> None:
    for event in (*FUNCTIONS, "truncate"):
        op.execute(f"DROP TRIGGER incident_cells_{event} ON incident")
        op.execute(f"DROP FUNCTION kuzet_incident_cells_{event}()")
    op.execute("DROP TABLE incident_cell")
