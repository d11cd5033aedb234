"""The layers as OGC API Features collections: which a viewer reads, and their items filtered by
bbox, time and property values, in CRS84, EPSG:4326 or EPSG:3857 (Part 1 Core, Part 2 CRS).

Every layer of the catalogue a viewer may read is a collection, and so are the field reports they may
see. Reading obeys the same rules as the layer API (``features``): a leader gets their own rows only,
and no incidents at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timezone

from pyproj import Transformer

from ...access import Principal
from ...db import layer_filters, layer_geojson, layer_reads, scopes
from ...db.layer_geojson import GeoJSONPage, Output
from ...errors import InvalidInput, NotFound
from ...layers import FIELD_REPORTS, Field, LayerSpec
from ...messages import N_, Message
from ...visibility import scope_of
from .features import MAX_PAGE, _scope, layer_spec, parse_bbox, visible_layers

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
# The CRS items are served in: CRS84 is lon/lat; EPSG:4326 has its own axis order, latitude first.
# Web Mercator coordinates are metres, so 3 decimals (a millimetre) hold every stored position.
OUTPUTS = {CRS84: Output(4326, False), EPSG_4326: Output(4326, True), EPSG_3857: Output(3857, False, 3)}
SUPPORTED_CRS = tuple(OUTPUTS)
DEFAULT_LIMIT = 100
# The time of a collection's features: a (start, end) pair of its fields; an instant names one twice.
TIME_FIELDS = {"incident": ("occurred_at", "occurred_at"), "event": ("starts_at", "ends_at"),
               "field_report": ("observed_at", "observed_at")}
# Fields a client may filter on by value (``?category=theft``): not times, not secondary points.
FILTERABLE = {"text", "int", "bigint", "float", "bool", "ref"}
# Query parameters of /items that are not property filters.
ITEM_PARAMETERS = frozenset({"bbox", "bbox-crs", "datetime", "limit", "after", "crs", "f"})


@dataclass(frozen=True)
class ItemsPage:
    """A page of items and the CRS URI they are written in."""

    page: GeoJSONPage
    crs: str


def collections(*, viewer: Principal) -> list[LayerSpec]:
    """The collections ``viewer`` may read: the visible layers, then the field reports."""
    return [*visible_layers(viewer=viewer), FIELD_REPORTS]


def collection(name: str, *, viewer: Principal) -> LayerSpec:
    """The collection called ``name`` (Forbidden for incidents outside the police staff)."""
    if name == FIELD_REPORTS.name:
        return FIELD_REPORTS
    spec = layer_spec(name)
    _scope(viewer, spec)
    return spec


def _visible(spec: LayerSpec, viewer: Principal):
    if spec is FIELD_REPORTS:
        return scopes.report_visible(scope_of(viewer))
    return scopes.layer_visible(spec.table, _scope(viewer, spec))


def collection_extent(session, spec: LayerSpec, *, viewer: Principal) -> tuple[float, float, float, float] | None:
    """The lon/lat extent of the rows of a collection ``viewer`` sees."""
    return layer_reads.layer_extent(session, spec, visible=_visible(spec, viewer))


def queryable_fields(spec: LayerSpec) -> list[Field]:
    """The fields of a collection a client may filter items on by value."""
    return [f for f in spec.fields if f.type in FILTERABLE]


def temporal(spec: LayerSpec) -> tuple[str, str] | None:
    """The (start, end) fields of a collection's time, None for a collection without one."""
    return TIME_FIELDS.get(spec.name)


def output_of(crs: str | None) -> tuple[str, Output]:
    """The URI and output of a ``crs`` parameter (None: CRS84)."""
    crs = crs or CRS84
    if crs not in OUTPUTS:
        raise InvalidInput(Message("collections.crs-not-supported-one",
                                   N_("crs %(crs)r is not supported; use one of %(SUPPORTED_CRS)s"),
                                   crs=crs, SUPPORTED_CRS=', '.join(SUPPORTED_CRS)))
    return crs, OUTPUTS[crs]


def bbox_in_crs(value: str, bbox_crs: str | None) -> tuple[float, float, float, float]:
    """A ``bbox`` given in ``bbox_crs`` (None: CRS84) as lon/lat (the storage CRS's ``parse_bbox``)."""
    bbox_crs = bbox_crs or CRS84
    if bbox_crs not in OUTPUTS:
        raise InvalidInput(Message("collections.bbox-crs-not-supported",
                                   N_("bbox-crs %(bbox_crs)r is not supported; use one of %(SUPPORTED_CRS)s"),
                                   bbox_crs=bbox_crs, SUPPORTED_CRS=', '.join(SUPPORTED_CRS)))
    parts = value.split(",")
    if len(parts) != 4:
        raise InvalidInput(Message("collections.bbox-needs-four",
                                   N_("bbox needs four numbers: minx,miny,maxx,maxy (in bbox-crs, CRS84 by default)")))
    if bbox_crs == CRS84:
        return parse_bbox(parts)
    try:
        a, b, c, d = (float(p) for p in parts)
    except ValueError:
        raise InvalidInput(Message("collections.bbox-values-numbers", N_("bbox values must be numbers"))) from None
    if bbox_crs == EPSG_4326:  # latitude first
        return parse_bbox((b, a, d, c))
    if a > c or b > d:
        raise InvalidInput(Message("collections.bbox-minimum-greater",
                                   N_("bbox minimum is greater than its maximum")))
    to_wgs84 = Transformer.from_crs(3857, 4326, always_xy=True)
    return parse_bbox([max(-180.0, min(180.0, v)) if i % 2 == 0 else max(-90.0, min(90.0, v))
                       for i, v in enumerate(to_wgs84.transform_bounds(a, b, c, d))])


def _moment(text: str, *, end: bool) -> datetime | None:
    text = text.strip()
    if text in {"", ".."}:
        return None
    try:
        if len(text) == 10:  # a date: the whole day, from its first moment to its last (UTC)
            day = datetime.fromisoformat(text).date()
            return datetime.combine(day, time.max if end else time.min, tzinfo=timezone.utc)
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise InvalidInput(Message("collections.datetime-not-rfc-date",
                                   N_("datetime %(text)r is not an RFC 3339 date or time (e.g. "
                                      "2026-05-01T00:00:00Z, 2026-05-01, or an interval a/b with '..' for an open "
                                      "end)"),
                                   text=text)
                           ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def parse_datetime(value: str) -> tuple[datetime | None, datetime | None]:
    """An OGC ``datetime``: an instant, a date, or an interval ``start/end`` with ``..`` or nothing
    for an open end; the (start, end) of it, each None when open."""
    if "/" not in value:
        if value.strip() in {"", ".."}:
            raise InvalidInput(Message("collections.datetime-needs-instant-2",
                                       N_("datetime needs an instant or an interval start/end")))
        return _moment(value, end=False), _moment(value, end=True)
    start_text, _sep, end_text = value.partition("/")
    if "/" in end_text:
        raise InvalidInput(Message("collections.datetime-holds-one", N_("datetime holds one '/' at most: start/end")))
    start, end = _moment(start_text, end=False), _moment(end_text, end=True)
    if start is None and end is None:
        raise InvalidInput(Message("collections.datetime-needs-instant",
                                   N_("datetime needs an instant or an interval with at least one end")))
    if start is not None and end is not None and start > end:
        raise InvalidInput(Message("collections.datetime-interval-starts",
                                   N_("datetime interval starts after it ends")))
    return start, end


def _typed(field: Field, text: str):
    if field.type in {"int", "bigint", "ref"}:
        try:
            return int(text)
        except ValueError:
            raise InvalidInput(Message("collections.integer",
                                       N_("%(field_name)s must be an integer"),
                                       field_name=field.name)) from None
    if field.type == "float":
        try:
            return float(text)
        except ValueError:
            raise InvalidInput(Message("collections.number",
                                       N_("%(field_name)s must be a number"),
                                       field_name=field.name)) from None
    if field.type == "bool":
        if text.lower() not in {"true", "false"}:
            raise InvalidInput(Message("collections.true-false",
                                       N_("%(field_name)s must be true or false"),
                                       field_name=field.name))
        return text.lower() == "true"
    return text


def collection_items(session, name: str, *, viewer: Principal, bbox: str | None = None, bbox_crs: str | None = None,
                     datetime_: str | None = None, limit: int | None = None, after: int | None = None,
                     crs: str | None = None, filters: dict[str, str] | None = None,
                     locale: str | None = None) -> ItemsPage:
    """A page of a collection's items, keyed by id (``after`` the last id of the page before).

    ``limit`` above ``MAX_PAGE`` is served as ``MAX_PAGE`` (as OGC API Features asks); ``filters``
    maps queryable names to the value a feature must hold (anything else is a 400); places are named
    in ``locale``'s language where they have a name in it (a ``name`` filter matches the original).
    """
    spec = collection(name, viewer=viewer)
    crs_uri, output = output_of(crs)
    if limit is not None and limit < 1:
        raise InvalidInput(Message("collections.limit-between",
                                   N_("limit must be between 1 and %(MAX_PAGE)s"),
                                   MAX_PAGE=MAX_PAGE))
    if after is not None and after < 0:
        raise InvalidInput(Message("collections.after-not-negative", N_("after must not be negative")))
    if bbox_crs is not None and bbox is None:
        raise InvalidInput(Message("collections.bbox-crs-needs", N_("bbox-crs needs a bbox")))
    lonlat = bbox_in_crs(bbox, bbox_crs) if bbox is not None else None
    where = []
    if datetime_ is not None:
        fields = temporal(spec)
        if fields is None:
            raise InvalidInput(Message("collections.collection-has-no-time",
                                       N_("collection %(name)s has no time to filter by datetime"),
                                       name=name))
        start, end = parse_datetime(datetime_)
        where.append(layer_filters.time_overlaps(spec, *fields, start=start, end=end))
    queryable = {f.name: f for f in queryable_fields(spec)}
    for key, text in (filters or {}).items():
        if key not in queryable:
            raise InvalidInput(Message("collections.unknown-parameter-queryables",
                                       N_("unknown parameter %(key)r; the queryables of %(name)s are: %(queryable)s"),
                                       key=key, name=name, queryable=', '.join(queryable)))
        where.append(layer_filters.equals(spec, queryable[key], _typed(queryable[key], text)))
    # The first page counts its matches exactly: a client reads the count there (GDAL's feature count
    # does), and one count per walk through the pages is cheap beside the walk.
    page = layer_geojson.geojson_page(session, spec, limit=min(limit or DEFAULT_LIMIT, MAX_PAGE), after=after,
                                      bbox=lonlat, visible=_visible(spec, viewer), where=where, output=output,
                                      count=after is None, locale=locale)
    return ItemsPage(page, crs_uri)


def collection_item(session, name: str, feature_id: int, *, viewer: Principal, crs: str | None = None,
                    locale: str | None = None) -> tuple[str, str]:
    """One item of a collection as GeoJSON text and the CRS URI it is written in; NotFound when there
    is none or ``viewer`` may not see it."""
    spec = collection(name, viewer=viewer)
    crs_uri, output = output_of(crs)
    text = layer_geojson.feature_text(session, spec, feature_id, visible=_visible(spec, viewer), output=output,
                                      locale=locale)
    if text is None:
        raise NotFound(Message("collections.no-feature-collection",
                               N_("no feature %(feature_id)s in collection %(name)s"),
                               feature_id=feature_id, name=name))
    return text, crs_uri
