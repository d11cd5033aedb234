"""Field work: a formation leader's (or individual participant's) own shifts (``shifts``) and reports from the field (``reports``), printable shift sheets (``sheets``)."""
from .reports import (ReportLimits, category_labels, file_report, filing_categories, list_reports, new_reports,
                      report, report_note, report_photo, report_types, reports_csv, submit_report)
from .report_pages import MAX_PAGE_SIZE as MAX_REPORT_PAGE, ReportPage, new_report_page, report_page
from .calendar import calendar_shifts, has_calendar_feed, new_calendar_feed, revoke_calendar_feed
from .shifts import acknowledge_assignment, my_shift, my_shifts
from .sheets import Sheet, day_sheets, shift_sheet
from .presence import (assignment_presence, check_in, check_out, consent_state, dosage_of, my_presence, own_participant,
                       record_position, reduce_old_positions, set_location_consent, set_tracking)
