"""The basemap's sources stored for a module: Almaty's districts, streets and the extract's features."""
from __future__ import annotations

import math
from pathlib import Path

from geo import services
from geo.access import SYSTEM
from geo.demo.network import load_streets

CENTRE = (76.9286, 43.2567)  # Almaly, central Almaty


def fill_basemap_sources(session, data_dir: Path) -> None:
    services.import_layer(session, "district", data_dir / "almaty" / "almaty_districts.geojson", actor=SYSTEM)
    load_streets(session, data_dir)
    services.load_basemap(session, data_dir / "almaty" / "almaty_2013.osm.pbf")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The XYZ tile holding (lon, lat) at zoom ``z``."""
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y
