"""Hot spots: the options of a run (``options``), the run itself (``run``), its statistics step
(``statistics``) and stored runs read back (``runs``)."""
from .options import Area, Parameters, Selection
from .run import HotspotResult
from .runs import (AnalystPage, analysis_run, analyst_choices, analyst_page, compare_runs, incident_series,
                   list_runs, run_csv, run_geojson, run_summary)
