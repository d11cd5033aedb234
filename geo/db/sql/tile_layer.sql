-- One catalogue layer (geo.layers) of one vector tile (z, x, y), every feature with its id and
-- fields as properties. {table}, {properties} and {geometry} come from the catalogue;
-- {visible} is the viewer's scope over the table (geo.db.scopes.layer_visible).
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
