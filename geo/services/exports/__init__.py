"""Exports a GIS user opens directly: GeoPackages of a layer, a selection or a run (``gpkg``), a layer
as one GeoJSON download (``geojson``)."""
from .geojson import GeoJSONDownload, layer_geojson_download
from .gpkg import GPKG_MEDIA_TYPE, RUN_LAYERS, Export, layer_gpkg, run_gpkg, selection_choices, selection_gpkg
