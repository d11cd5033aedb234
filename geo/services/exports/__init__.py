"""Exports a GIS user opens directly: GeoPackages of a layer, a selection or a run (``gpkg``)."""
from .gpkg import GPKG_MEDIA_TYPE, Export, layer_gpkg, run_gpkg, selection_gpkg
