"""Use cases, one function each, called alike by the web app, the CLI and notebooks.

Each takes a SQLAlchemy ``Session`` and never commits: the caller commits once.
"""
from .assignments import (STATUSES, assignment_feature, cancel_feature, confirm_feature, list_assignments,
                          list_officers, propose_feature, reject_feature, statuses_of, supervision_page,
                          update_feature)
from .dispatch import (AssignmentRequest, assign_formation, build_facts, cancel_assignment, confirm_assignment,
                       reject_assignment, update_assignment)
from .dispatch_map import DispatchDay, day_window, dispatch_day
from .dispatch_options import candidate_formations, dispatch_options, formation_roster, supervising_officers
from .analysis_runs import (AnalystPage, analysis_run, analyst_choices, analyst_page, compare_runs, incident_series,
                            list_runs, run_csv, run_geojson, run_summary)
from .hotspots import HotspotResult, hotspots
from .layers import (MAX_PAGE, ImportResult, import_frame, import_layer, import_source, layer_feature,
                     layer_features, layer_spec, map_layers, parse_bbox, visible_layers)
from .zones import DEFAULT_MAX_AREA_M2, DEFAULT_MIN_AREA_M2, draw_emergency_area, draw_patrol_zone
from .audit_trail import audit_entities, audit_trail
from .my_shifts import acknowledge_assignment, my_shift, my_shifts
from .quarterly import Quarter, quarterly_csv, quarterly_summary
from .plan_demand import DemandTarget, ShiftDemand, SupplyFormation, shift_demand, shift_supply
from .plan_report import PlanItem, Proposal
from .planning import accept_plan, plan_page, propose_plan
from .reports import (ReportLimits, category_labels, file_report, filing_categories, list_reports, new_reports,
                      report, report_note, reports_csv)

__all__ = ["AssignmentRequest", "assign_formation", "build_facts", "cancel_assignment", "candidate_formations",
           "confirm_assignment", "reject_assignment", "supervising_officers", "update_assignment",
           "STATUSES", "assignment_feature", "cancel_feature", "confirm_feature", "list_assignments",
           "list_officers", "propose_feature", "reject_feature", "statuses_of", "supervision_page", "update_feature",
           "DispatchDay", "day_window", "dispatch_day", "dispatch_options", "formation_roster",
           "MAX_PAGE", "ImportResult", "import_frame", "import_layer", "import_source", "layer_features",
           "layer_spec", "map_layers", "parse_bbox", "layer_feature", "visible_layers",
           "DEFAULT_MAX_AREA_M2", "DEFAULT_MIN_AREA_M2", "draw_emergency_area", "draw_patrol_zone",
           "HotspotResult", "hotspots", "analysis_run", "analyst_choices", "compare_runs", "incident_series",
           "list_runs", "run_csv", "run_geojson", "run_summary", "AnalystPage", "analyst_page",
           "audit_entities", "audit_trail", "acknowledge_assignment", "my_shift", "my_shifts", "Quarter",
           "quarterly_csv", "quarterly_summary", "ReportLimits", "category_labels", "file_report", "list_reports",
           "filing_categories", "new_reports", "report", "report_note", "reports_csv",
           "DemandTarget", "ShiftDemand", "SupplyFormation", "shift_demand", "shift_supply", "PlanItem", "Proposal",
           "accept_plan", "plan_page", "propose_plan"]
