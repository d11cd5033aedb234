"""The analyst's evaluation page: every patrolled place before and after patrols began, against
matched unpatrolled places, with the method and its limits in plain words."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _

from ..api.evaluation import evaluation_request, evaluations_of
from ..config import settings
from ..messages import localised
from . import bp


def kind_names() -> dict[str, str]:
    return {"patrol_zone": _("Patrol zones"), "public_place": _("Public places"), "event": _("Event areas")}


def place_kind_names() -> dict[str, str]:
    """Kinds of public places and events (Order 641 item 8.1), as the table names a target's kind."""
    return {"patrol_zone": _("patrol zone"), "street": _("street"), "square": _("square"), "station": _("station"),
            "thoroughfare": _("thoroughfare"), "park": _("park"), "market": _("market"), "stadium": _("stadium"),
            "other": _("other place"), "sporting": _("sporting event"), "cultural": _("cultural event"),
            "mass": _("mass event"), "entertainment": _("entertainment event")}


@bp.get("/analysis/evaluation")
def evaluation():
    """Before/after evaluation of every patrolled place (computed on request)."""
    wanted = evaluation_request()
    found = evaluations_of(wanted)
    args = {k: v for k, v in request.args.items(multi=True) if v}
    config = settings().evaluation
    return render_template(
        "evaluation.html", title=_("Evaluation of patrols"), found=found, wanted=wanted, config=config,
        kinds=kind_names(), place_kinds=place_kind_names(), chosen_kind=(wanted.kinds or [""])[0], localised=localised,
        csv_url=url_for("api.evaluations_csv", **args), geojson_url=url_for("api.evaluations_geojson", **args))
