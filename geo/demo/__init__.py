"""The Almaty demo: real layers from the shared data, hand-placed facts and synthetic incidents.

Every layer is stored through :func:`geo.services.import_frame`, so the demo passes the same
validation as any import. Nothing here commits: the caller commits once (``kuzet demo`` does).
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import geopandas as gpd
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import services
from ..access import SYSTEM
from ..db import basemap as basemap_db
from ..db import dispatch as dispatch_queries
from ..db import network as network_db
from ..db import people as people_db
from ..db import layer_reads, layer_writes
from ..domain import DEFAULT_TIMEZONE, IncidentSource
from ..errors import InvalidInput
from ..ingest.mapping import Mapping
from ..messages import N_, Message
from ..progress import ProgressFactory, silent
from . import people, places, scenario
from .history import history_days, load_patrol_history
from .network import load_streets
from .incidents import incident_anchors, reference_day, synthetic_incidents
from .sources import FILES, AlmatyData, read_almaty

DEFINITIONS = Path(__file__).resolve().parents[2] / "data" / "demo" / "almaty.toml"
# In storing order: a layer comes after the layers its ref fields name.
DEMO_LAYERS = ("district", "police_unit", "public_place", "campus", "pasture", "crop_field",
               "patrol_zone", "event", "formation", "incident")
SOURCE_NAME = "kuzet demo (Almaty): {layer}"
INCIDENT_COUNT = 4000
INCIDENT_DAYS = 120

__all__ = ["DEMO_LAYERS", "demo_loaded", "load_demo", "synthetic_incidents"]


def definitions(path: Path = DEFINITIONS) -> dict:
    """The hand-placed facts of the demo (``data/demo/almaty.toml``)."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInput(Message("demo.demo-definitions-not-found",
                                   N_("demo definitions not found: %(path)s"),
                                   path=path)) from exc


def demo_loaded(session: Session) -> bool:
    """Whether the demo's police units (one per Almaty district) are stored."""
    defs = definitions()
    stored = layer_reads.name_lookup(session, services.layer_spec("police_unit"))
    return all(defs["police_unit_name"].format(district=d) in stored for d in defs["districts"])


def load_demo(session: Session, data_dir: Path, *, seed: int = 641, progress: ProgressFactory = silent,
              replace: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Build the Almaty demo from ``data_dir`` (the shared data folder) and store every layer.

    Parameters
    ----------
    data_dir : Path
        The shared data folder holding ``almaty/``; InvalidInput when it is missing.
    seed : int
        Seed of the synthetic incidents (same seed and ``now`` → same incidents).
    replace : bool
        Delete the rows of the demo's layers first; otherwise refuse when any of them holds rows.
    now : datetime, optional
        The reference day (default: today 00:00 in Asia/Almaty); events follow it, incidents
        and notifications precede it.

    Returns
    -------
    dict
        Layer name → rows stored, in storing order; then the people and ``street_segment`` (the
        street lines the planner routes along).

    Examples
    --------
    >>> with session.begin():
    ...     load_demo(session, Path("../shared/data"), seed=641)
    {'district': 8, 'police_unit': 8, ...}
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InvalidInput(Message("demo.demo-data-folder",
                                   N_("demo data folder not found: %(data_dir)s (the shared data folder holding "
                                      "almaty/, e.g. --data-dir ../shared/data)"),
                                   data_dir=data_dir))
    defs = definitions()
    if replace:
        _clear(session)
    else:
        _refuse_if_present(session)
    data = read_almaty(data_dir)
    end = now or reference_day(DEFAULT_TIMEZONE)
    builders = _builders(data, defs, seed=seed, end=end)
    summary: dict[str, int] = {}
    bar = progress(total=len(DEMO_LAYERS), desc="loading the Almaty demo")
    try:
        for layer in DEMO_LAYERS:
            frame, mapping = builders[layer]()
            # The demo is stored as the system (an admin), like the demo accounts.
            result = services.import_frame(session, layer, frame, name=SOURCE_NAME.format(layer=layer),
                                           actor=SYSTEM, mapping=mapping,
                                           progress=progress if layer == "incident" else silent)
            summary[layer] = result.rows
            bar.update(1)
    finally:
        bar.close()
    patrols = defs.get("patrol_history", ())
    summary.update(_people(session, seed=seed, today=end.date(), history_days=history_days(patrols)))
    # past shifts of a few zones, for the before/after evaluation (officers and members are stored now)
    summary["assignment"] = load_patrol_history(session, patrols, today=end.date())
    summary["street_segment"] = load_streets(session, data_dir)
    # The basemap drawn under every map page: the extract's parks, water and railways.
    summary["basemap_feature"] = sum(services.load_basemap(session, data_dir / FILES["osm"]).counts.values())
    return summary


def _people(session: Session, *, seed: int, today, history_days: int = 0) -> dict[str, int]:
    """Officers with duty rosters for every unit (reaching back over the patrol history's
    ``history_days``), members and leaders for every formation, and a few individual participants
    (item 6)."""
    units = layer_reads.names_by_id(session, services.layer_spec("police_unit"))
    officer_ids = people_db.add_officers(session, people.officers(units, seed=seed))
    duty = people_db.add_duty(session, people.duty_periods(officer_ids, today, days_before=history_days))
    formations = [{"id": f.id, "base_type": f.base_type, "notified_on": f.notified_on}
                  for f in dispatch_queries.formations(session)]
    members = people_db.add_members(session, people.participants(formations, today, seed=seed))
    alone = len(people_db.add_participants(session, people.individuals(today, seed=seed)))
    return {"officer": len(officer_ids), "officer_duty": duty, "participant": members + alone}


def _builders(data: AlmatyData, defs: dict, *, seed: int,
              end: datetime) -> dict[str, Callable[[], tuple[gpd.GeoDataFrame, Mapping]]]:
    """Layer → a function building its frame and mapping (frames that others need are cached)."""
    today = end.date()
    local = Mapping(timezone=DEFAULT_TIMEZONE)
    units = places.police_units_frame(data, name_template=defs["police_unit_name"])
    units_m = units.to_crs(data.crs)
    public = places.public_places_frame(data, defs.get("extra_places", ()))

    def incidents() -> tuple[gpd.GeoDataFrame, Mapping]:
        anchors = incident_anchors(public, places.residential_frame(data))
        frame = synthetic_incidents(anchors, data.city, seed=seed, count=INCIDENT_COUNT, days=INCIDENT_DAYS,
                                    now=end)
        for column in ("occurred_at", "reported_at"):
            frame[column] = [t.isoformat() for t in frame[column]]
        return frame, Mapping(constants={"source": IncidentSource.SYNTHETIC_DEMO.value},
                              timezone=DEFAULT_TIMEZONE)

    return {
        "district": lambda: (places.districts_frame(data, defs["districts"], city=defs["city"]), local),
        "police_unit": lambda: (units, local),
        "public_place": lambda: (public, local),
        "campus": lambda: (places.campuses_frame(data, defs["campus_buffer_m"]), local),
        "pasture": lambda: (places.landuse_frame(data, "meadow", "Meadow"), local),
        "crop_field": lambda: (places.landuse_frame(data, "farmland", "Farmland"), local),
        "patrol_zone": lambda: (scenario.patrol_zones_frame(data, defs["patrol_zones"], units_m), local),
        "event": lambda: (scenario.events_frame(data, defs["events"], today=today), local),
        "formation": lambda: (scenario.formations_frame(data, defs["formations"], units_m, today=today),
                              local),
        "incident": incidents,
    }


def _refuse_if_present(session: Session) -> None:
    present = {layer: n for layer in DEMO_LAYERS
               if (n := layer_reads.count_rows(session, services.layer_spec(layer)))}
    if n := network_db.segment_count(session):
        present["street_segment"] = n
    if present:
        held = ", ".join(f"{layer} ({n} rows)" for layer, n in present.items())
        raise InvalidInput(Message("demo.demo-needs-empty",
                                   N_("the demo needs empty layers, but these hold data: %(held)s; load it with "
                                      "replace (kuzet demo --force) to delete them first"),
                                   held=held))


def _clear(session: Session) -> None:
    try:
        with session.begin_nested():
            people_db.clear_people(session)
            network_db.clear_segments(session)
            basemap_db.clear_features(session)
            layer_writes.clear_layers(session, tuple(reversed(DEMO_LAYERS)))
    except IntegrityError as exc:
        raise InvalidInput(Message("demo.cannot-replace-demo",
                                   N_("cannot replace the demo: other records (assignments, officers, ...) refer "
                                      "to rows of its layers; delete them first"))) from exc
