"""The process owners' process pages: every process with its versions (``/processer``), one
process's versions paged (``/processer/<key>``), a version's diagram, facts and files
(``/processer/<key>/<version>``, its files one by one or as one .zip), and what changed between
two versions (``/processer/<key>/skillnad?fran=1&till=2``) as a list and as markers on both
versions' diagrams. For process owners only; every other role is refused."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from babel.numbers import format_decimal
from flask import Response, abort, jsonify, render_template, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext

import engine
from engine import NotFound, Paged, VersionInfo
from web.access import process_owner_required
from web.context import runtime
from web.diagrams import json_not_found, readable_lanes
from web.processes import bp
from web.processes.changes import (
    FIELD_ASPECT_NAMES,
    STATUS_NAMES,
    aspect_name,
    aspect_value,
    diff_markers,
    element_title,
    field_aspect_name,
    field_value,
    kind_name,
)

LATEST_SHOWN = 10  # versions per process on the list; the process's own page has them all
PAGE_SIZE = 25
MAX_KEY = 255  # definitions.process_key's length
MAX_VERSION = 2**31 - 1  # a version is an INTEGER column; a bigger number is no version
_MIMETYPES = {".bpmn": "application/xml", ".dmn": "application/xml", ".json": "application/json"}


@dataclass(frozen=True)
class VersionPage(Paged):
    """One page of a process's versions, newest first."""

    process_key: str
    name: str
    newest: int  # the newest version's number
    versions: list[VersionInfo]
    total: int
    page: int
    page_size: int


def _versions(process_key: str) -> list[VersionInfo]:
    """The process's versions, newest first; ``NotFound`` if it has none."""
    found = engine.process_versions(runtime(), process_key[:MAX_KEY])
    if not found:
        raise NotFound(gettext("Det finns ingen process %(key)s.", key=process_key[:MAX_KEY]))
    return found


def _version(value: int) -> int:
    if not 0 < value <= MAX_VERSION:
        abort(404)
    return value


@bp.route("/processer")
@process_owner_required
def process_list() -> ResponseReturnValue:
    every = engine.process_versions(runtime())
    processes = [list(group) for _, group in groupby(every, lambda v: v.definition.process_key)]
    return render_template("processes/list.html", processes=processes, shown=LATEST_SHOWN)


@bp.route("/processer/<process_key>")
@process_owner_required
def process_page(process_key: str) -> ResponseReturnValue:
    versions = _versions(process_key)
    try:
        number = max(int(request.args.get("sida", "1")), 1)
    except ValueError:
        number = 1
    pages = -(-len(versions) // PAGE_SIZE)
    number = min(number, pages)
    page = VersionPage(
        process_key=versions[0].definition.process_key, name=versions[0].definition.name,
        newest=versions[0].definition.version,
        versions=versions[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
        total=len(versions), page=number, page_size=PAGE_SIZE,
    )  # fmt: skip
    return render_template("processes/process.html", page=page)


@bp.route("/processer/<process_key>/<int:version>")
@process_owner_required
def version_page(process_key: str, version: int) -> ResponseReturnValue:
    _version(version)
    versions = _versions(process_key)
    this = next((v for v in versions if v.definition.version == version), None)
    if this is None:
        raise NotFound(gettext("Processen %(key)s har ingen version %(version)d.",
                               key=process_key, version=version))  # fmt: skip
    files = engine.definition_files(runtime(), this.definition.id)
    others = [v.definition.version for v in versions if v is not this]
    earlier = [n for n in others if n < version]
    return render_template(
        "processes/version.html", info=this, files=_file_rows(files.items()), others=others,
        compare_with=earlier[0] if earlier else (others[0] if others else None),
        total_bytes=sum(len(c) for c in files.values()), file_size=file_size,
    )  # fmt: skip


def _file_rows(files: Iterable[tuple[str, bytes]]) -> list[tuple[str, str, int]]:
    """Each file's name, what it is, and its size in bytes; the processes first."""
    kinds = {".bpmn": gettext("Process (BPMN)"), ".dmn": gettext("Beslutstabell (DMN)"),
             ".json": gettext("Formulär (JSON Schema)")}  # fmt: skip
    rows = [(name, kinds.get(_suffix(name), gettext("Fil")), len(c)) for name, c in files]
    order = list(kinds)
    return sorted(rows, key=lambda r: (order.index(_suffix(r[0])) if _suffix(r[0]) in order
                                       else len(order), r[0]))  # fmt: skip


def file_size(size: int) -> str:
    """'850 byte', '12,3 kB' (1 kB = 1 000 byte), in the person's language."""
    if size < 1000:
        return str(gettext("%(num)d byte", num=size))
    number = format_decimal(
        round(size / 1000, 1), format="#,##0.0", locale=str(get_locale() or "sv")
    )
    return str(gettext("%(size)s kB", size=number))


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


@bp.route("/processer/<process_key>/<int:version>/diagram.bpmn")
@process_owner_required
def version_bpmn(process_key: str, version: int) -> ResponseReturnValue:
    xml = engine.version_bpmn(runtime(), process_key[:MAX_KEY], _version(version))
    return Response(readable_lanes(xml), mimetype="application/xml")


@bp.route("/processer/<process_key>/<int:version>/diagram.json")
@process_owner_required
def version_markers(process_key: str, version: int) -> ResponseReturnValue:
    """A version's diagram alone carries no markers (the diff's diagrams do)."""
    try:
        engine.find_definition(runtime(), process_key[:MAX_KEY], _version(version))
    except NotFound as error:
        return json_not_found(error)
    return jsonify(markers=[])


@bp.route("/processer/<process_key>/<int:version>/filer.zip")
@process_owner_required
def version_zip(process_key: str, version: int) -> ResponseReturnValue:
    """The version as the files it was deployed from, in one .zip."""
    definition = engine.find_definition(runtime(), process_key[:MAX_KEY], _version(version))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(engine.definition_files(runtime(), definition.id).items()):
            archive.writestr(name, content)
    buffer.seek(0)
    safe_key = re.sub(r"[^A-Za-z0-9_.-]", "_", definition.process_key)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"{safe_key}-v{definition.version}.zip")  # fmt: skip


@bp.route("/processer/<process_key>/<int:version>/filer/<name>")
@process_owner_required
def version_file(process_key: str, version: int, name: str) -> ResponseReturnValue:
    """One file of the version, by a name the version has (any other name is not found)."""
    content = engine.version_file(runtime(), process_key[:MAX_KEY], _version(version), name)
    mimetype = _MIMETYPES.get(_suffix(name), "application/octet-stream")
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                     download_name=name)  # fmt: skip


@dataclass(frozen=True)
class _Asked:
    """The two versions the query string asks for (``pair``), or what is wrong with it in
    Swedish and the status to answer with."""

    pair: tuple[int, int] | None
    problem: str = ""
    status: int = 200


def _asked() -> _Asked:
    try:
        old, new = int(request.args.get("fran", "")), int(request.args.get("till", ""))
    except ValueError:
        return _Asked(None, gettext("Välj två versioner att jämföra."), 400)
    if not (0 < old <= MAX_VERSION and 0 < new <= MAX_VERSION):
        abort(404)
    if old == new:
        message = gettext("Du har valt version %(version)d två gånger. Välj två olika "
                          "versioner att jämföra.", version=old)  # fmt: skip
        return _Asked(None, message)
    return _Asked((old, new))


@bp.route("/processer/<process_key>/skillnad")
@process_owner_required
def diff_page(process_key: str) -> ResponseReturnValue:
    versions = _versions(process_key)
    numbers = [v.definition.version for v in versions]
    asked = _asked()
    if asked.pair is None:
        return render_template("processes/diff.html", diff=None, problem=asked.problem,
                               numbers=numbers, info=versions[0]), asked.status  # fmt: skip
    diff = engine.version_diff(runtime(), process_key[:MAX_KEY], *asked.pair)
    return render_template(
        "processes/diff.html", diff=diff, problem=None, numbers=numbers, info=versions[0],
        kind_name=kind_name, aspect_name=aspect_name,
        aspect_value=aspect_value, element_title=element_title,
        field_aspect_name=field_aspect_name, field_value=field_value,
        status_names=STATUS_NAMES, field_aspects=FIELD_ASPECT_NAMES,
    )  # fmt: skip


@bp.route("/processer/<process_key>/skillnad.json")
@process_owner_required
def diff_json(process_key: str) -> ResponseReturnValue:
    """The markers of the diff's new (``ritning=ny``) or old (``ritning=gammal``) diagram."""
    asked = _asked()
    if asked.pair is None:
        return jsonify(error=gettext("Ogiltig begäran"), message=asked.problem), 400
    try:
        diff = engine.version_diff(runtime(), process_key[:MAX_KEY], *asked.pair)
    except NotFound as error:
        return json_not_found(error)
    drawing = "old" if request.args.get("ritning") == "gammal" else "new"
    return jsonify(markers=diff_markers(diff, drawing))
