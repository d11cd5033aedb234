"""Use cases grouped by capability (dispatch, hotspots, planning, layers, exports, field, accountability,
accounts), one function each, called alike by the web app, the CLI and notebooks.

Every use case is re-exported here but the hot spot run itself: ``geo.services.hotspots`` is the
package, whose ``hotspots`` function runs an analysis (``services.hotspots.hotspots``).

A re-exported name is imported on first use (PEP 562): ``services.import_layer`` loads the layers
capability then, so a caller that needs none of the analysis stack (the CLI's ``--help``, say) never
imports geopandas, scipy or esda.

Each takes a SQLAlchemy ``Session`` and never commits: the caller commits once.
"""
from __future__ import annotations

from importlib import import_module

from ..ingest.mapping import Mapping, load_mapping, parse_pairs  # an import's column mapping, for the CLI
from ..rules.messages import target_label  # how users say a target kind, for the pages

_EXPORTS = {
    "accountability": ["Quarter", "audit_entities", "audit_trail", "presence_by_target", "quarterly_csv",
                       "quarterly_summary"],
    "basemap": ["BasemapLoad", "basemap_extent", "basemap_tile", "load_basemap"],
    "dispatch": ["STATUSES", "AssignmentRequest", "DispatchDay", "assign_formation", "assignment_feature",
                 "build_facts", "cancel_assignment", "cancel_feature", "candidate_formations", "candidate_individuals",
                 "confirm_assignment",
                 "confirm_feature", "day_window", "dispatch_day", "dispatch_options", "formation_roster",
                 "list_assignments", "list_officers", "propose_feature", "reject_assignment", "reject_feature",
                 "review_proposals", "statuses_of", "supervising_officers", "supervision_page", "update_assignment", "update_feature",
                 "dispatch_board", "targets_at", "undo_feature"],
    "evaluation": ["EvaluationRequest", "PatrolEvaluation", "evaluate_patrols", "evaluations_csv",
                   "evaluations_geojson"],
    "exports": ["Export", "GeoJSONDownload", "layer_geojson_download", "layer_gpkg", "run_gpkg", "selection_choices",
                "selection_gpkg"],
    "field": ["ReportLimits", "acknowledge_assignment", "calendar_shifts", "has_calendar_feed", "new_calendar_feed",
              "revoke_calendar_feed", "category_labels", "file_report", "filing_categories",
              "list_reports", "my_shift", "my_shifts", "new_reports", "report", "report_note", "report_types",
              "reports_csv", "report_photo", "submit_report",
              "MAX_REPORT_PAGE", "ReportPage", "new_report_page", "report_page",
              "Sheet", "day_sheets", "shift_sheet",
              "assignment_presence", "check_in", "check_out", "consent_state", "dosage_of", "my_presence",
              "own_participant", "record_position", "reduce_old_positions", "set_location_consent", "set_tracking"],
    "hotspots": ["AnalystPage", "HotspotResult", "analysis_run", "analyst_choices", "analyst_page", "compare_runs",
                 "emerging_cell_series", "incident_series", "list_runs", "run_csv", "run_geojson", "run_summary", "run_tile", "RunCells"],
    "knox": ["KnoxParameters", "KnoxResult", "knox_csv", "knox_run", "near_repeats", "plain_words"],
    "layers": ["MAX_PAGE", "GeoJSONPage", "ImportResult", "LayerPage", "draw_emergency_area", "draw_patrol_zone",
               "import_frame", "import_layer", "import_source", "layer_feature", "layer_features",
               "layer_geojson_page", "layer_spec", "layer_tile", "map_layers", "parse_bbox", "tile_layer",
               "tile_layer_names", "TileLayer", "visible_layers"],
    "notify": ["DeliveryCount", "OutgoingMail", "account_email", "deliver_due", "mark_notifications_read",
               "normalise_email", "notification_list", "set_account_email", "set_my_email", "undelivered_mail", "unread_notifications"],
    "routes": ["Start", "plan_route", "route_feature", "route_gpx", "route_starts"],
    "planning": ["DemandTarget", "PlanItem", "PlanRequest", "Proposal", "ShiftDemand", "SupplyFormation",
                 "accept_plan", "plan_page", "propose_plan", "shift_demand", "shift_supply"],
}
_CAPABILITY = {name: capability for capability, names in _EXPORTS.items() for name in names}

__all__ = [*_CAPABILITY, "Mapping", "load_mapping", "parse_pairs", "target_label"]


def __getattr__(name: str):
    """A re-exported use case, imported from its capability on first use (or a capability itself)."""
    if name in _EXPORTS:  # services.hotspots.hotspots(...), as with every submodule once imported
        return import_module(f".{name}", __name__)
    capability = _CAPABILITY.get(name)
    if capability is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{capability}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
