"""A case's process map for administrators and auditors: its BPMN drawing
(``/arenden/<key>/diagram.bpmn``), what to mark on it (``…/diagram.json``: the path taken, the
open tasks and who holds them, waiting timers, the incident) and a full page
(``…/diagram``) with the same markers as a table. The case page includes the map with the
``case_diagram`` macro of ``_diagram.html``."""

from __future__ import annotations

import re
from html import escape

from flask import Blueprint, Flask, Response, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext

import engine
from engine import NotFound
from web.access import overseer_required
from web.context import runtime
from web.diagrams.markers import KIND_NAMES, case_markers
from web.roles import ROLE_NAMES, role_names

bp = Blueprint("diagrams", __name__)
MAX_KEY = 40  # cases.business_key's length


def _case_id(business_key: str) -> int:
    return engine.case_id_by_key(runtime(), business_key[:MAX_KEY])


_LANE_NAME = re.compile(r'(<(?:[\w.-]+:)?lane\b[^>]*?\bname=")([^"]*)(")')
_LANE_TAG = re.compile(r"<(?:[\w.-]+:)?lane\b|</(?:[\w.-]+:)?lane>")
_ROLES = re.compile(r'<(?:[\w.-]+:)?property\b(?=[^>]*\bname="roles")[^>]*\bvalue="([^"]*)"')


def readable_lanes(xml: str) -> str:
    """The drawing with each lane named by its roles' names in the reader's language
    ('Samordnare'): the roles of its ``roles`` property, else the role ids its name lists (a
    lane with a role Sif does not know keeps the name the process owner gave it)."""

    def named(found: re.Match[str]) -> str:
        start = xml.find(">", found.end()) + 1
        after = _LANE_TAG.search(xml, start)  # the lane's own header ends at its first child lane
        empty = xml[start - 2] == "/"  # <lane … />
        header = "" if empty else xml[start : after.start() if after else len(xml)]
        prop = _ROLES.search(header)
        text = prop.group(1) if prop else found.group(2)
        roles = [part.strip() for part in text.split(",") if part.strip()]
        if not roles or any(role not in ROLE_NAMES for role in roles):
            return found.group(0)
        return found.group(1) + escape(role_names(roles), quote=True) + found.group(3)

    return _LANE_NAME.sub(named, xml)


def json_not_found(error: NotFound) -> ResponseReturnValue:
    """A missing case or process, for the map's script: JSON, in Swedish."""
    return jsonify(error=gettext("Sidan finns inte"), message=error.message), 404


@bp.route("/arenden/<business_key>/diagram.bpmn")
@overseer_required
def case_bpmn(business_key: str) -> ResponseReturnValue:
    xml = engine.case_bpmn(runtime(), _case_id(business_key))
    return Response(readable_lanes(xml), mimetype="application/xml")


@bp.route("/arenden/<business_key>/diagram.json", endpoint="case_markers")
@overseer_required
def case_markers_json(business_key: str) -> ResponseReturnValue:
    rt = runtime()
    try:
        diagram = engine.case_diagram(rt, _case_id(business_key))
    except NotFound as error:
        return json_not_found(error)
    return jsonify(markers=case_markers(diagram, rt.clock.now()))


@bp.route("/arenden/<business_key>/diagram")
@overseer_required
def case_diagram_page(business_key: str) -> ResponseReturnValue:
    rt = runtime()
    diagram = engine.case_diagram(rt, _case_id(business_key))
    return render_template(
        "diagrams/case.html",
        diagram=diagram,
        markers=case_markers(diagram, rt.clock.now()),
        kinds=KIND_NAMES,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
