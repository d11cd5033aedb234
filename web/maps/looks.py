"""How each layer looks on the map: title, colour, line and which fields its tooltip shows."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


@dataclass(frozen=True)
class Look:
    """Title, style and tooltip rows (column, label) of one map overlay."""

    title: LazyString
    colour: str
    tooltip: tuple[tuple[str, LazyString], ...]
    fill_opacity: float = 0.12
    weight: float = 2.0
    dash: str | None = None
    radius: float = 5.0  # circle-marker radius in pixels, for point features
    fill_colour: str | None = None
    shown: bool = True  # ticked in the layer control when the map opens

    def style(self, geometry_type: str | None = None) -> dict:
        """The Leaflet path options of this overlay; lines are never filled (a filled street is a blob)."""
        line = geometry_type in ("LineString", "MultiLineString")
        style = {"color": self.colour, "weight": self.weight, "opacity": 0.9, "fill": not line,
                 "fillColor": self.fill_colour or self.colour, "fillOpacity": self.fill_opacity}
        if self.dash:
            style["dashArray"] = self.dash
        return style


NAME = ("name", _l("Name"))
KIND = ("kind", _l("Kind"))

LOOKS: dict[str, Look] = {
    "district": Look(_l("Districts"), "#37474f",
                     (NAME, ("name_ru", _l("Name (Russian)")), ("name_kk", _l("Name (Kazakh)")),
                      ("kato", _l("KATO code"))),
                     fill_opacity=0.04, weight=2.5),
    "analysis_area": Look(_l("Analysis areas"), "#5e35b1",
                          (NAME, ("external_id", _l("Id")), ("set_name", _l("Set"))),
                          fill_opacity=0.03, weight=1, shown=False),  # census blocks and such: on request
    "police_unit": Look(_l("Police units"), "#1565c0", (NAME, ("district", _l("District")),
                                                         ("phone", _l("Phone"))),
                        fill_opacity=0.05, dash="6 4"),
    "public_place": Look(_l("Public places"), "#ef6c00", (NAME, KIND), fill_opacity=0.3, radius=4),
    "pasture": Look(_l("Pastures"), "#7cb342", (NAME,), fill_opacity=0.3),
    "crop_field": Look(_l("Crop fields"), "#c0ca33", (NAME, ("crop", _l("Crop"))), fill_opacity=0.3),
    "campus": Look(_l("Educational institutions"), "#8e24aa",
                   (NAME, KIND, ("buffer_m", _l("Buffer (m)"))), fill_opacity=0.3),
    "patrol_zone": Look(_l("Patrol zones"), "#00897b", (NAME, ("police_unit", _l("Police unit")),
                                                        ("note", _l("Note"))), fill_opacity=0.15),
    "event": Look(_l("Events"), "#d81b60",
                  (NAME, KIND, ("starts_at", _l("Starts")), ("ends_at", _l("Ends")),
                   ("expected_attendance", _l("Expected attendance")), ("venue", _l("Venue"))),
                  fill_opacity=0.3),
    "formation": Look(_l("Formations"), "#6d4c41",
                      (NAME, ("base_type", _l("Based at")), ("base_address", _l("Address")),
                       ("notification", _l("Notification"))),
                      fill_opacity=0.15, dash="2 4"),
    "incident": Look(_l("Incidents"), "#c62828",
                     (("category", _l("Category")), ("occurred_at", _l("Occurred")),
                      ("reported_at", _l("Reported")), ("description", _l("Description")),
                      ("source", _l("Source"))),
                     fill_opacity=0.8, weight=1, radius=4),
}

# Canvas draws (and hit-tests) later overlays on top: wide areas first, then smaller ones, then the
# point overlays (police stations, incidents) that build_map adds last.
AREA_ORDER = ("district", "analysis_area", "police_unit", "pasture", "crop_field", "campus", "public_place", "patrol_zone",
              "event", "formation")

# Overlays that are not one layer each: police stations (police_unit's second geometry) and
# incidents from the synthetic demo generator, which must never pass for real records.
STATIONS = Look(_l("Police stations"), "#0d47a1", (NAME, ("phone", _l("Phone"))),
                fill_opacity=1.0, weight=2, radius=6, fill_colour="#ffffff")
SYNTHETIC_INCIDENTS = Look(_l("Incidents (synthetic demo data)"), "#616161",
                           (("note", _l("Note")),) + LOOKS["incident"].tooltip,
                           fill_opacity=0.55, weight=1, radius=3.5, fill_colour="#9e9e9e")
SYNTHETIC_NOTE = _l("Synthetic demo data, not a real incident")

# Public places from their vector tiles in two overlays: a street is a line, never filled (a tile's
# style cannot tell a line from a polygon, its kind can).
STREETS = Look(_l("Streets"), LOOKS["public_place"].colour, LOOKS["public_place"].tooltip, weight=3)
PLACES = Look(_l("Public places (not streets)"), LOOKS["public_place"].colour, LOOKS["public_place"].tooltip,
              fill_opacity=0.3, radius=4)
