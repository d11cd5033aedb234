-- One catalogue layer (geo.layers) of one vector tile (z, x, y), every feature with its id and
-- fields as properties. The table, its properties and its geometry column are filled in from the
-- catalogue; the condition after AND is the viewer's scope over the table
-- (geo.db.scopes.layer_visible). The placeholders are named only below: a scope is several lines
-- of SQL, which would end this comment early.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS env,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4326) AS wide
),
features AS (
    SELECT {table}.id, {properties},
           ST_AsMVTGeom(ST_Transform({table}.{geometry}, 3857), bounds.env, 4096, 64, true) AS geom
    FROM {table}, bounds
    WHERE {table}.{geometry} && bounds.wide AND ({visible})
)
SELECT ST_AsMVT(features.*, '{table}', 4096, 'geom') FROM features WHERE geom IS NOT NULL
