"""Areas drawn on the dispatcher's map: patrol zones and emergency areas, validated by the service."""
from __future__ import annotations

from geo import services

from ..auth import current_principal
from ..config import settings, zone_name
from ..db import get_session
from ..geojson import geojson_response
from . import bp
from .bodies import fields, json_object


@bp.post("/patrol_zones")
def create_patrol_zone():
    """Store a drawn patrol zone (valid polygon inside the districts, sensible size): 201 GeoJSON feature."""
    values = fields(json_object(), {"name": "any", "geometry": "any", "police_unit_id": "int", "note": "text"},
                    required=("name", "geometry"), nullable=("police_unit_id", "note"))
    session = get_session()
    feature = services.draw_patrol_zone(session, actor=current_principal(), **values,
                                        limits=settings().zone_limits)
    session.commit()
    return geojson_response(feature, status=201)


@bp.post("/emergency_areas")
def create_emergency_area():
    """Store a drawn emergency area with its period (items 8.2-8.3): 201 GeoJSON feature."""
    values = fields(json_object(), {"name": "any", "geometry": "any", "period": "period", "note": "text"},
                    required=("name", "geometry", "period"), nullable=("note",))
    period = values.pop("period")
    session = get_session()
    feature = services.draw_emergency_area(session, actor=current_principal(), **values, **period,
                                           limits=settings().zone_limits, timezone=zone_name())
    session.commit()
    return geojson_response(feature, status=201)
