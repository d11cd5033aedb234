"""Field work: a formation leader's own shifts (``shifts``) and reports from the field (``reports``)."""
from .reports import (ReportLimits, category_labels, file_report, filing_categories, list_reports, new_reports,
                      report, report_note, reports_csv)
from .shifts import acknowledge_assignment, my_shift, my_shifts
