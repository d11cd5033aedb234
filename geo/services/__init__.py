"""Use cases grouped by capability (dispatch, hotspots, planning, layers, field, accountability,
accounts), one function each, called alike by the web app, the CLI and notebooks.

Every use case is re-exported here but the hot spot run itself: ``geo.services.hotspots`` is the
package, whose ``hotspots`` function runs an analysis (``services.hotspots.hotspots``).

Each takes a SQLAlchemy ``Session`` and never commits: the caller commits once.
"""
from .accountability import Quarter, audit_entities, audit_trail, quarterly_csv, quarterly_summary
from .dispatch import (STATUSES, AssignmentRequest, DispatchDay, assign_formation, assignment_feature, build_facts,
                       cancel_assignment, cancel_feature, candidate_formations, confirm_assignment, confirm_feature,
                       day_window, dispatch_day, dispatch_options, formation_roster, list_assignments, list_officers,
                       propose_feature, reject_assignment, reject_feature, statuses_of, supervising_officers,
                       supervision_page, update_assignment, update_feature)
from .field import (ReportLimits, acknowledge_assignment, category_labels, file_report, filing_categories,
                    list_reports, my_shift, my_shifts, new_reports, report, report_note, reports_csv)
from .hotspots import (AnalystPage, HotspotResult, analysis_run, analyst_choices, analyst_page, compare_runs,
                       incident_series, list_runs, run_csv, run_geojson, run_summary)
from .layers import (MAX_PAGE, ImportResult, LayerPage, draw_emergency_area, draw_patrol_zone, import_frame,
                     import_layer, import_source, layer_feature, layer_features, layer_spec, map_layers, parse_bbox,
                     visible_layers)
from .planning import (DemandTarget, PlanItem, PlanRequest, Proposal, ShiftDemand, SupplyFormation, accept_plan,
                       plan_page, propose_plan, shift_demand, shift_supply)

from ..rules.messages import target_label  # how users say a target kind, for the pages

__all__ = ["AssignmentRequest", "assign_formation", "build_facts", "cancel_assignment", "candidate_formations",
           "confirm_assignment", "reject_assignment", "supervising_officers", "update_assignment",
           "STATUSES", "assignment_feature", "cancel_feature", "confirm_feature", "list_assignments",
           "list_officers", "propose_feature", "reject_feature", "statuses_of", "supervision_page", "update_feature",
           "DispatchDay", "day_window", "dispatch_day", "dispatch_options", "formation_roster",
           "MAX_PAGE", "ImportResult", "LayerPage", "import_frame", "import_layer", "import_source",
           "layer_features", "layer_spec", "map_layers", "parse_bbox", "layer_feature", "visible_layers",
           "draw_emergency_area", "draw_patrol_zone",
           "HotspotResult", "analysis_run", "analyst_choices", "compare_runs", "incident_series",
           "list_runs", "run_csv", "run_geojson", "run_summary", "AnalystPage", "analyst_page",
           "audit_entities", "audit_trail", "acknowledge_assignment", "my_shift", "my_shifts", "Quarter",
           "quarterly_csv", "quarterly_summary", "ReportLimits", "category_labels", "file_report", "list_reports",
           "filing_categories", "new_reports", "report", "report_note", "reports_csv",
           "DemandTarget", "ShiftDemand", "SupplyFormation", "shift_demand", "shift_supply", "PlanItem", "PlanRequest",
           "Proposal",
           "accept_plan", "plan_page", "propose_plan", "target_label"]
