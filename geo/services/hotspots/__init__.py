"""Hot spots: the options of a run (``options``), the run itself (``run``: ``hotspots``), its
statistics step (``statistics``) and stored runs read back (``runs``).

The use case is ``geo.services.hotspots.hotspots`` (``geo.services.hotspots`` is always this
package, never the function).
"""
from .options import RUN_FIELDS, Area, Parameters, Selection
from .run import HotspotResult, Reach, hotspots, may_run, reach
from .runs import (AnalystPage, RunCells, analysis_run, analyst_choices, analyst_page, compare_runs,
                   emerging_cell_series,
                   incident_series, list_runs, may_read, run_csv, run_geojson, run_summary, run_tile)
