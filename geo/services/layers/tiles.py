"""Vector tiles of the layers a viewer may read, scoped as the layer API is (``features``).

Field reports are a tile layer too (``field_report``): each viewer's reports as the reports API
scopes them (``geo.db.scopes.report_visible``), and only those reported from ``since`` on when a
page's list is filtered so (``geo.db.reports.report_filter``: map and list hold the same reports).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...access import Principal
from ...db import reports, scopes, tiles
from ...errors import InvalidInput, NotFound
from ...layers import LAYERS, LayerSpec
from ...messages import N_, Message
from ...settings import VectorTileSettings
from ...visibility import scope_of
from .features import _scope, visible_layers

REPORTS = "field_report"


@dataclass(frozen=True)
class TileLayer:
    """What a TileJSON document says of a tile layer: its name, title, fields and lon/lat bounds."""

    name: str
    title: str
    fields: dict[str, str]
    bounds: tuple[float, float, float, float] | None
    counted: bool


def tile_layer_names(*, viewer: Principal) -> list[str]:
    """The tile layers ``viewer`` may read: the catalogue's they may read, and field reports."""
    return [spec.name for spec in visible_layers(viewer=viewer)] + [REPORTS]


def _layer(name: str, viewer: Principal, since: datetime | None = None):
    """(spec, visible clause) of tile layer ``name``; NotFound names the tile layers, InvalidInput
    a ``since`` for a layer other than field reports."""
    if name == REPORTS:
        return None, reports.report_filter(scope_of(viewer), reported_after=since)
    if name not in LAYERS:
        raise NotFound(Message("tiles.no-tile-layer-layers",
                               N_("no tile layer %(name)r; layers are: %(value)s"),
                               name=name, value=', '.join([*LAYERS, REPORTS])))
    if since is not None:
        raise InvalidInput(Message("tiles.since-reports-only", N_("since filters the %(reports)s tiles only, not %(name)s"),
                                   reports=REPORTS, name=name))
    spec: LayerSpec = LAYERS[name]
    return spec, scopes.layer_visible(spec.table, _scope(viewer, spec))


def check_tile(z: int, x: int, y: int, config: VectorTileSettings) -> None:
    """InvalidInput unless z is within the served zooms and x, y within the zoom's grid."""
    if not config.min_zoom <= z <= config.max_zoom:
        raise InvalidInput(Message("tiles.zoom-between",
                                   N_("zoom must be between %(min_zoom)s and %(max_zoom)s"),
                                   min_zoom=config.min_zoom, max_zoom=config.max_zoom))
    if not (0 <= x < 2 ** z and 0 <= y < 2 ** z):
        raise InvalidInput(Message("tiles.zoom-between-2",
                                   N_("at zoom %(z)s x and y must be between 0 and %(value)s"),
                                   z=z, value=2 ** z - 1))


def layer_tile(session, name: str, z: int, x: int, y: int, *, viewer: Principal,
               config: VectorTileSettings, locale: str | None = None, since: datetime | None = None) -> bytes:
    """The Mapbox Vector Tile of layer ``name`` at z/x/y holding what ``viewer`` may see (b"" when nothing),
    each place's ``name`` in ``locale``'s language where it has one; field reports only those reported
    from ``since`` on, when given.

    Incidents and field reports below ``config.points_zoom`` are cells with a ``count``.
    """
    spec, visible = _layer(name, viewer, since)
    check_tile(z, x, y, config)
    return tiles.tile(session, name, spec, z, x, y, visible=visible, points_zoom=config.points_zoom,
                      cell_px=config.cell_px, locale=locale)


def tile_layer(session, name: str, *, viewer: Principal) -> TileLayer:
    """What the TileJSON document of layer ``name`` says (Forbidden/NotFound as its tiles)."""
    spec, _visible = _layer(name, viewer)
    if spec is None:
        title, fields = N_("Field reports"), tiles.REPORT_FIELDS
    else:
        title, fields = spec.title, tiles.layer_fields(spec)
    return TileLayer(name, title, dict(fields), tiles.layer_bounds(session, name, spec), name in tiles.COUNTED)
