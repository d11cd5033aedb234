"""Dispatch: assign formations to targets for a shift (``assign``), what a dispatcher may choose
(``options``), the day on the dispatcher's map (``day``) and assignments as GeoJSON features
(``assignments``), and the supervisor's review of proposals (``supervision``)."""
from .assign import (AssignmentRequest, assign_formation, build_facts, cancel_assignment, confirm_assignment,
                     reject_assignment, update_assignment)
from .assignments import (STATUSES, assignment_feature, cancel_feature, confirm_feature, list_assignments,
                          list_officers, propose_feature, reject_feature, statuses_of, supervision_page,
                          update_feature)
from .board import STATES, dispatch_board, targets_at, undo_feature, undo_last
from .day import DispatchDay, day_window, dispatch_day
from .options import (candidate_formations, candidate_individuals, dispatch_options, formation_roster,
                      supervising_officers)
from .supervision import review_proposals
