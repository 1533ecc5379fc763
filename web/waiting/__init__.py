"""Where cases wait (``/arenden/vantetider``): a heatmap of open tasks and waiting times on the
process diagram, with the same numbers as a table.

The page, its overlay (``vantetider.json``) and its drawing (``vantetider.bpmn``) take the same
query string: ``process`` (a process key; the fund's process by default), and the overview's
case filters (``web.cases.filters``), which narrow the counts to the cases they let through.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

import engine
from engine import CaseFilter, NotFound, WaitingMap
from web.access import overseer_required
from web.cases.filters import case_filter, filter_args
from web.context import runtime
from web.diagrams import json_not_found, readable_lanes
from web.diagrams.markers import days, heat_markers

bp = Blueprint("waiting", __name__)
DEFAULT_PROCESS = "social_investment_case"
MAX_KEY = 255  # definitions.process_key's length


def _processes() -> dict[str, str]:
    """Deployed process keys and the name of their newest version, in key order."""
    found: dict[str, str] = {}
    for definition in engine.list_definitions(runtime()):
        found.setdefault(definition.process_key, definition.name)
    return dict(sorted(found.items()))


def _chosen(processes: dict[str, str]) -> str:
    asked = request.args.get("process", "").partition(":")[0].strip()[:MAX_KEY]
    if asked:
        return asked
    return DEFAULT_PROCESS if DEFAULT_PROCESS in processes else next(iter(processes), "")


def _narrowing() -> CaseFilter | None:
    """The overview's filter in the query string, if it narrows more than the process."""
    asked = case_filter(request.args)
    if replace(asked, process="", version=None) == CaseFilter() and asked.version is None:
        return None
    return asked


def _waits(process_key: str) -> WaitingMap:
    rt, narrowed = runtime(), _narrowing()
    if narrowed is None:
        return engine.waiting_by_element(rt, process_key)
    return engine.waiting_by_element(rt, process_key, engine.matching_ids(narrowed, rt.clock.now()))


@bp.route("/arenden/vantetider")
@overseer_required
def heatmap() -> ResponseReturnValue:
    processes = _processes()
    process_key = _chosen(processes)
    try:
        waits = _waits(process_key)
    except NotFound:
        message = gettext("Processen %(process)s finns inte. Välj en process i listan.",
                          process=process_key)  # fmt: skip
        page = render_template("waiting/waiting.html", processes=processes,
                               process_key=process_key, waits=None, error=message)  # fmt: skip
        return page, 404
    return render_template(
        "waiting/waiting.html", processes=processes, process_key=process_key, waits=waits,
        error=None, days=days, filters=filter_args(request.args),
        narrowed=_narrowing() is not None,
    )  # fmt: skip


@bp.route("/arenden/vantetider.json")
@overseer_required
def waiting_json() -> ResponseReturnValue:
    try:
        waits = _waits(_chosen(_processes()))
    except NotFound as error:
        return json_not_found(error)
    return jsonify(
        process=waits.drawing.process_key,
        version=waits.drawing.version,
        now=waits.now.isoformat(),
        open_tasks=waits.open_tasks,
        markers=heat_markers(waits),
        elements=[
            {"id": e.element_id, "name": e.name, "open_tasks": e.open_tasks,
             "median_days": round(e.median_days, 2), "oldest_days": round(e.oldest_days, 2),
             "oldest_since": e.oldest_since.isoformat()}
            for e in waits.elements
        ],
    )  # fmt: skip


@bp.route("/arenden/vantetider.bpmn")
@overseer_required
def diagram_bpmn() -> ResponseReturnValue:
    xml = engine.process_bpmn(runtime(), _chosen(_processes()))
    return Response(readable_lanes(xml), mimetype="application/xml")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
