"""A stored near repeat (Knox) run: its table with significant cells marked, in plain words, CSV export."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _

from geo.analysis.knox import ALPHA
from geo.services.knox import day_label, distance_label, knox_run, plain_words

from ..auth import current_principal
from ..db import get_session
from ..messages import localised
from . import bp


def knox_strings() -> dict:
    """Strings of knox.js (placeholders ``%(name)s``)."""
    return {"running": _("Running the near repeat test on the selection…"),
            "failed": _("Not run: %(error)s"), "network": _("The server did not answer: %(error)s"),
            "stored": _("Stored as run %(id)s; opening it…")}


def table_rows(table) -> list[dict]:
    """The table as the template lays it out: each row's label and cells (observed, ratio, p, mark)."""
    over, under = table.over(), table.under()
    rows = []
    for r, edges in enumerate(table.distance_edges()):
        # an under-represented cell shows the p of its own tail (fewer pairs than the permutations)
        cells = [{"observed": int(table.observed[r, c]), "expected": table.expected[r, c],
                  "ratio": table.ratio[r, c], "p": table.p_low[r, c] if under[r, c] else table.p[r, c],
                  "mark": "over" if over[r, c] else ("under" if under[r, c] else "")}
                 for c in range(table.observed.shape[1])]
        rows.append({"label": localised(distance_label(edges)), "cells": cells})
    return rows


@bp.get("/analysis/knox/<int:run_id>")
def knox_page(run_id: int):
    """A stored Knox run: the contingency table, what it found and the CSV export."""
    result = knox_run(get_session(), run_id, viewer=current_principal())
    table = result.table
    return render_template(
        "knox_result.html", title=_("Near repeats (Knox) · run %(id)s", id=run_id), run=result, table=table,
        columns=[localised(day_label(e)) for e in table.day_edges()], rows=table_rows(table),
        plain=[localised(m) for m in plain_words(table)], alpha=ALPHA,
        csv_url=url_for("api.knox_table_csv", run_id=run_id), back=url_for("analysis.analysis"))
