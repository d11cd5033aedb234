"""Near repeats (the Knox test): run one over a selection (stored as an analysis run), its table as CSV."""
from __future__ import annotations

from flask import Response, jsonify, url_for

from geo.services.hotspots import Selection, may_run
from geo.services.hotspots.options import _public
from geo.services.knox import FIELDS, KnoxParameters, knox_csv, near_repeats, plain_words

from ..auth import current_principal
from ..config import settings, zone_name as _zone
from ..db import get_session
from ..messages import localised
from ..rules import with_rules_column
from . import bp
from .bodies import json_object, known

KNOX_FIELDS = FIELDS + _public(Selection)


@bp.post("/analyses/knox")
def create_knox():
    """Run and store a Knox test over the selection: 201 with the run, its table and plain words; 400 names the problem."""
    may_run(current_principal())
    body = known(json_object(), KNOX_FIELDS)
    selection, parameters = Selection.from_json(body, timezone=_zone()), KnoxParameters.from_json(body)
    session = get_session()
    result = near_repeats(session, selection, parameters, actor=current_principal(),
                          max_vertices=settings().zone_limits.max_vertices)
    session.commit()
    response = jsonify({**result.as_json(), "plain": [localised(m) for m in plain_words(result.table)],
                        "page": url_for("analysis.knox_page", run_id=result.run_id)})
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_analysis", run_id=result.run_id)
    return response


@bp.get("/analyses/<int:run_id>/knox.csv")
def knox_table_csv(run_id: int):
    """A Knox run's table as CSV, one row per distance band and time band."""
    body = with_rules_column(knox_csv(get_session(), run_id, viewer=current_principal()))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=kuzet-knox-{run_id}.csv"})
