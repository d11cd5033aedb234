"""Downloads a GIS opens directly: GeoPackages of a layer, a selection of incidents, a hot spot run;
GeoJSON files of a layer or a run (``Content-Disposition: attachment``; the plain API answers inline)."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import request, send_file

from geo import services
from geo.services import exports

from ..auth import current_principal
from ..config import settings
from ..db import get_session, stream_session
from ..formats import reader_locale
from ..geojson import geojson_response, streamed_collection
from ..rules import rules_about
from . import bp
from .analysis import selection_of_args


def _package(write: Callable[[Path], exports.Export]):
    """The GeoPackage ``write`` puts into a fresh directory, sent as an attachment and removed: the
    open file outlives its directory, which is gone before the first byte is sent."""
    directory = Path(tempfile.mkdtemp(prefix="kuzet-export-"))
    try:
        made = write(directory)
        handle = made.path.open("rb")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return send_file(handle, mimetype=made.media_type, as_attachment=True, download_name=made.filename,
                     max_age=0)


@bp.get("/layers/<layer>/export.gpkg")
def layer_gpkg(layer: str):
    """A layer the user may read, whole or within ``bbox``, as a GeoPackage (EPSG:4326)."""
    return _package(lambda directory: exports.layer_gpkg(
        get_session(), layer, viewer=current_principal(), directory=directory,
        bbox=request.args.get("bbox") or None, locale=reader_locale(), about=rules_about()))


@bp.get("/incidents/export.gpkg")
def selection_gpkg():
    """The incidents of a selection (the filters of ``/incidents/series``, and ``bbox``) as a GeoPackage."""
    selection = selection_of_args()
    return _package(lambda directory: exports.selection_gpkg(
        get_session(), selection, viewer=current_principal(), directory=directory,
        bbox=request.args.get("bbox") or None, max_vertices=settings().zone_limits.max_vertices,
        about=rules_about()))


@bp.get("/analyses/<int:run_id>/export.gpkg")
def analysis_gpkg(run_id: int):
    """A stored run's cells with their statistics and a table of the run, as a GeoPackage."""
    return _package(lambda directory: exports.run_gpkg(get_session(), run_id, viewer=current_principal(),
                                                       directory=directory, about=rules_about()))


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@bp.get("/layers/<layer>/export.geojson")
def layer_geojson(layer: str):
    """A layer the user may read, whole or within ``bbox``, as one GeoJSON file to save."""
    download = exports.layer_geojson_download(get_session(), layer, viewer=current_principal(),
                                              bbox=request.args.get("bbox") or None, locale=reader_locale())
    about = rules_about()
    return streamed_collection(download.features, lambda returned: {"numberReturned": returned, **about},
                               headers=_attachment(download.filename), on_close=stream_session())


@bp.get("/analyses/<int:run_id>/export.geojson")
def analysis_geojson(run_id: int):
    """A stored run's cells as a GeoJSON file to save (the ``cells`` route, as an attachment)."""
    response = geojson_response(services.run_geojson(get_session(), run_id, viewer=current_principal())
                                | rules_about())
    response.headers.update(_attachment(f"kuzet-analysis-{run_id}.geojson"))
    return response
