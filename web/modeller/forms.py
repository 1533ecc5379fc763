"""The form editor (``/modellera/<key>/formular/<file>``): a user task's JSON Schema as text in
the process owner's draft, beside a live preview of the form as staff will see it, drawn by the
task page's own renderer (``web.forms.render_form``). ``/modellera/<key>/formular`` lists the
bundle's forms and the user tasks that use each, and creates a new one.

The preview (``POST /modellera/formular/forhandsvisning``, JSON ``{schema: text}``) answers
``{html}`` or ``{problems: [{path, message}]}`` in Swedish: the line and column where the text
stops being JSON, or what the schema asks that Sif's forms do not support. A schema that is
JSON but not yet a usable form may still be saved in the draft (it is flagged on the page);
validation of the whole bundle and deploying happen in the modeller (``/modellera/<key>``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from markupsafe import Markup

import engine
from engine.bundle import FORM_SUFFIX
from engine.forms import check_form_schema
from web.access import process_owner_required
from web.context import me, runtime
from web.forms import render_form
from web.modeller import bp
from web.modeller.answers import BadRequest, json_view, request_json
from web.modeller.bundle_files import (
    WorkingCopy,
    file_of_kind,
    files_of_kind,
    form_users,
    save_file,
    unicode_text,
    working_copy,
)

log = logging.getLogger("sif.web")
FORM_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
NEW_FORM: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Nytt formulär",
    "type": "object",
    "properties": {},
    "required": [],
}
#: Python's JSON messages, start by start, in Swedish.
_JSON_MESSAGES = (
    ("Expecting ',' delimiter", _("ett kommatecken saknas")),
    ("Expecting ':' delimiter", _("ett kolon saknas")),
    ("Expecting property name enclosed in double quotes",
     _("ett fältnamn inom dubbla citattecken väntades (ett kommatecken för mycket?)")),
    ("Expecting value", _("ett värde saknas")),
    ("Unterminated string", _("en sträng avslutas aldrig med citattecken")),
    ("Invalid control character", _("en radbrytning eller tabb står inne i en sträng")),
    ("Invalid \\uXXXX escape", _("ogiltig \\u-sekvens i en sträng")),
    ("Invalid \\escape", _("ogiltig \\-sekvens i en sträng")),
    ("Extra data", _("text efter formulärets slut")),
)  # fmt: skip


@dataclass(frozen=True)
class FormFile:
    """One form of the bundle on the list page: its name, title and the user tasks using it."""

    name: str
    title: str
    tasks: list[tuple[str, str]]  # (element id, name)


@bp.get("/modellera/<key>/formular")
@process_owner_required
def form_list(key: str) -> ResponseReturnValue:
    copy = working_copy(runtime(), me().name, key)
    return _list_page(copy)


@bp.post("/modellera/<key>/formular")
@process_owner_required
def new_form(key: str) -> ResponseReturnValue:
    """Create an empty form in the draft and open it in the editor."""
    rt = runtime()
    copy = working_copy(rt, me().name, key)
    name = request.form.get("namn", "").strip().removesuffix(FORM_SUFFIX)
    if not FORM_NAME.fullmatch(name):
        problem = gettext(
            "Namnet får bara ha små bokstäver a–z, siffror, - och _ (högst 60 tecken)."
        )
        return _list_page(copy, name, problem, 422)
    file = name + FORM_SUFFIX
    if file in copy.files:
        return _list_page(
            copy, name, gettext("Det finns redan ett formulär %(file)s.", file=file), 422
        )
    save_file(rt, me().name, copy, file, _pretty(NEW_FORM).encode())
    flash(gettext("Formuläret %(file)s finns nu i ditt utkast.", file=file), "success")
    return redirect(url_for("modeller.form_editor", key=key, file=file))


@bp.get("/modellera/<key>/formular/<file>")
@process_owner_required
def form_editor(key: str, file: str) -> ResponseReturnValue:
    copy = working_copy(runtime(), me().name, key)
    text = file_of_kind(copy, file, "form").decode("utf-8")
    return _editor_page(copy, file, text)


@bp.post("/modellera/<key>/formular/<file>")
@process_owner_required
def save_form(key: str, file: str) -> ResponseReturnValue:
    """Keep the posted text as the form in the draft, if it is JSON (a schema with problems is
    kept too, and flagged on the page); the text is kept on the page when it is refused."""
    rt = runtime()
    copy = working_copy(rt, me().name, key)
    file_of_kind(copy, file, "form")
    text = request.form.get("schema", "")
    schema, problems = read_schema(text, rt.settings.max_file_bytes)
    if schema is None:
        return _editor_page(copy, file, text, problems, 422)
    save_file(rt, me().name, copy, file, text.encode("utf-8"))
    if problems:
        flash(gettext("Sparat i utkastet, men formuläret har fel som måste rättas före "
                      "driftsättning."), "error")  # fmt: skip
    else:
        flash(gettext("Formuläret är sparat i ditt utkast."), "success")
    return redirect(url_for("modeller.form_editor", key=key, file=file))


@bp.post("/modellera/formular/forhandsvisning")
@process_owner_required
@json_view
def form_preview() -> ResponseReturnValue:
    """The form drawn from the posted schema text, or what keeps it from being drawn."""
    schema, problems = read_schema(_posted_text(), runtime().settings.max_file_bytes)
    if schema is None or problems:
        return jsonify(problems=problems)
    fields = preview_fields(schema)
    return jsonify(html=render_template("modeller/form_preview.html", schema=schema, fields=fields))


@bp.post("/modellera/<key>/formular/<file>/validera")
@process_owner_required
@json_view
def validate_form(key: str, file: str) -> ResponseReturnValue:
    """Sif's whole validation of the bundle with the posted text as this form (nothing is saved
    or deployed); answers the problems that concern this form."""
    rt = runtime()
    copy = working_copy(rt, me().name, key)
    file_of_kind(copy, file, "form")
    files = {**copy.files, file: _posted_text().encode("utf-8")}
    found = engine.check_bundle(rt, files)
    mine = [p for p in found if p.file == file or file in p.message]
    problems = [{"path": p.element_id or "", "message": p.message} for p in mine]
    return jsonify(problems=problems, others=len(found) - len(mine))


def _posted_text() -> str:
    text = request_json().get("schema")
    if not isinstance(text, str):
        raise BadRequest(gettext('Skicka formulärets JSON-text som {"schema": "…"}.'))
    return unicode_text(text)


def read_schema(text: str, max_bytes: int) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """The schema in ``text`` (None if it is not a JSON object) and its problems, Swedish."""
    if len(text.encode("utf-8")) > max_bytes:
        too_big = gettext("Formuläret är för stort (högst %(kib)d KiB).", kib=max_bytes // 1024)
        return None, [{"path": "", "message": too_big}]
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [{"path": "", "message": json_problem(exc)}]
    except RecursionError:
        return None, [{"path": "", "message": gettext("Formuläret är för djupt nästlat.")}]
    if not isinstance(schema, dict):
        return None, [{"path": "", "message": gettext("Formuläret måste vara ett JSON-objekt.")}]
    return schema, [{"path": "", "message": m} for m in check_form_schema(schema)]


def json_problem(exc: json.JSONDecodeError) -> str:
    """Where and why ``exc`` stopped reading, in Swedish (line and column count from 1)."""
    why = next(
        (sv for en, sv in _JSON_MESSAGES if exc.msg.startswith(en)),
        gettext("texten är inte giltig JSON"),
    )
    where = {"line": exc.lineno, "column": exc.colno}
    return str(gettext("Rad %(line)d, kolumn %(column)d: %(why)s.", **where, why=str(why)))


def preview_fields(schema: Mapping[str, Any]) -> Markup | None:
    """The form's fields as the task page draws them (a fresh form with the defaults); None
    if the renderer cannot draw them (the preview says so)."""
    try:
        return render_form(schema, None)
    except Exception:  # a schema the checks let through but the renderer cannot draw
        log.exception("the form preview could not draw a schema")
        return None


def _editor_page(
    copy: WorkingCopy,
    file: str,
    text: str,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    schema = None
    if problems is None:
        schema, problems = read_schema(text, runtime().settings.max_file_bytes)
    shown = schema if schema is not None and not problems else None
    fields = preview_fields(shown) if shown is not None else None
    tasks = form_users(copy.files).get(file, [])
    page = render_template(
        "modeller/form_editor.html", copy=copy, file=file, text=text, problems=problems,
        schema=shown, fields=fields, tasks=tasks, line_count=text.count("\n") + 1,
    )  # fmt: skip
    return page, status


def _list_page(
    copy: WorkingCopy, name: str = "", problem: str = "", status: int = 200
) -> ResponseReturnValue:
    users = form_users(copy.files)
    forms = [
        FormFile(f, _title(copy.files[f]), users.get(f, [])) for f in files_of_kind(copy, "form")
    ]
    page = render_template(
        "modeller/form_list.html", copy=copy, forms=forms, name=name, problem=problem
    )
    return page, status


def _title(content: bytes) -> str:
    try:
        title = json.loads(content).get("title")
    except (ValueError, AttributeError, RecursionError):
        return ""
    return title if isinstance(title, str) else ""


def _pretty(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
