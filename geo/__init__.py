"""kuzet's framework-free core: layers, import, rules and analysis over PostGIS."""
