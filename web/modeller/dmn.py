"""The decision editor (``/modellera/<key>/beslut/<file>``): dmn-js's Modeler on one DMN file of
the process owner's draft (else of the newest deployed version), opened on its decision table.

The page's script reads the XML from ``…/xml`` and sends it back to ``…/spara``; saving replaces
that one file in the person's draft (created from the deployed files when there is none). The
server only checks that what comes back is safe XML with a DMN ``definitions`` root: the DMN
schema and Sif's rules are checked by ``…/validera`` and by the modeller's validation before
any deploy. ``/modellera/<key>/beslut`` lists the bundle's DMN files."""

from __future__ import annotations

from flask import jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from lxml import etree

import engine
from engine import ValidationFailed
from engine.xmlsafe import FileRefused, parse_xml
from web.access import process_owner_required
from web.context import me, runtime
from web.modeller import bp
from web.modeller.answers import BadRequest, json_view, request_json
from web.modeller.bundle_files import (
    file_of_kind,
    files_of_kind,
    save_file,
    unicode_text,
    working_copy,
)

DMN_SPEC = "/spec/DMN/"  # every DMN version's model namespace has it (1.1 to 1.5)


@bp.get("/modellera/<key>/beslut")
@process_owner_required
def decision_list(key: str) -> ResponseReturnValue:
    copy = working_copy(runtime(), me().name, key)
    files = [(name, decision_names(copy.files[name])) for name in files_of_kind(copy, "dmn")]
    return render_template("modeller/dmn_list.html", copy=copy, files=files)


@bp.get("/modellera/<key>/beslut/<file>")
@process_owner_required
def decision_editor(key: str, file: str) -> ResponseReturnValue:
    copy = working_copy(runtime(), me().name, key)
    file_of_kind(copy, file, "dmn")
    return render_template("modeller/dmn_editor.html", copy=copy, file=file)


@bp.get("/modellera/<key>/beslut/<file>/xml")
@process_owner_required
@json_view
def decision_xml(key: str, file: str) -> ResponseReturnValue:
    """The file's XML as the editor opens it, and whether it comes from the person's draft."""
    copy = working_copy(runtime(), me().name, key)
    xml = file_of_kind(copy, file, "dmn").decode("utf-8")
    return jsonify(name=file, xml=xml, from_draft=copy.from_draft)


@bp.post("/modellera/<key>/beslut/<file>/spara")
@process_owner_required
@json_view
def save_decision(key: str, file: str) -> ResponseReturnValue:
    """Keep the posted XML as this file of the person's draft, if it is safe DMN XML."""
    rt = runtime()
    copy = working_copy(rt, me().name, key)
    file_of_kind(copy, file, "dmn")
    content = _posted_dmn(rt.settings.max_file_bytes)
    save_file(rt, me().name, copy, file, content)
    version = copy.base_version or "–"
    source = gettext("Du arbetar i ditt utkast (utgår från version %(version)s).", version=version)
    message = gettext("Beslutstabellen är sparad i ditt utkast.")
    return jsonify(saved=True, message=message, source=source)


@bp.post("/modellera/<key>/beslut/<file>/validera")
@process_owner_required
@json_view
def validate_decision(key: str, file: str) -> ResponseReturnValue:
    """Sif's whole validation of the bundle with the posted XML as this file (nothing is saved
    or deployed): the problems in this file, and how many the bundle has elsewhere."""
    rt = runtime()
    copy = working_copy(rt, me().name, key)
    file_of_kind(copy, file, "dmn")
    files = {**copy.files, file: _posted_dmn(rt.settings.max_file_bytes)}
    found = engine.check_bundle(rt, files)
    mine = [p.as_dict() for p in found if p.file == file]
    return jsonify(problems=mine, others=len(found) - len(mine))


def decision_names(content: bytes) -> list[str]:
    """The names (else ids) of the decisions in a DMN file; none if it cannot be read."""
    try:
        root = parse_xml(content, len(content) + 1)
    except FileRefused:
        return []
    found = root.iterfind("{*}decision")
    return [str(d.get("name") or d.get("id") or "") for d in found]


def _posted_dmn(max_bytes: int) -> bytes:
    """The posted ``{"xml": …}`` as bytes, refused unless it is safe XML whose root is a DMN
    ``definitions`` element (``ValidationFailed`` says why, in Swedish)."""
    xml = request_json().get("xml")
    if not isinstance(xml, str):
        raise BadRequest(gettext('Skicka beslutstabellens XML som {"xml": "…"}.'))
    content = unicode_text(xml).encode("utf-8")
    try:
        root = parse_xml(content, max_bytes)
    except FileRefused as refused:
        where = gettext("rad %(line)d: ", line=refused.line) if refused.line else ""
        raise ValidationFailed([], where + refused.message) from None
    name = etree.QName(root)
    if name.localname != "definitions" or DMN_SPEC not in (name.namespace or ""):
        not_dmn = gettext("Filen är inte en DMN-fil (roten ska vara <definitions>).")
        raise ValidationFailed([], not_dmn)
    return content
