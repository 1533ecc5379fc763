"""Uploading a bundle made in another tool (Camunda Modeler, bpmn.io …) at
``/processer/ladda-upp``: the files go through the same validation as the modeller's and the
API's, with the same list of problems; a valid bundle deploys unchanged. One changed file can
be completed with the other files of a deployed process (its forms, its decision tables), and an
upload that does not validate can be kept as the person's draft and fixed in the modeller."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, TextAreaField
from wtforms.validators import Length

import engine
from engine import BundleInvalid, NotFound, Problem
from engine.bundle import kind_of
from engine.lint import BPMN
from engine.xmlsafe import FileRefused, parse_xml
from web.access import process_owner_required
from web.context import me, runtime
from web.processes import bp
from web.processes.pages import MAX_KEY
from web.uploads import MAX_COMMENT, bundle_from_uploads


class UploadForm(FlaskForm):  # type: ignore[misc]
    files = MultipleFileField(_("Filer"))
    base = SelectField(_("Komplettera med filerna i"), choices=[], validate_choice=False)
    comment = TextAreaField(_("Vad ändras? (visas i versionslistan)"), [Length(max=MAX_COMMENT)])


@dataclass(frozen=True)
class Checked:
    """What the page reports: each file and where it came from, and the problems found."""

    files: list[tuple[str, str]]  # (name, "upload" | "base")
    problems: list[Problem]
    names: dict[str, str]  # element id → its name, to say which element a problem is on


@bp.route("/processer/ladda-upp", methods=["GET", "POST"])
@process_owner_required
def upload() -> ResponseReturnValue:
    form = UploadForm()
    form.base.choices = [("", gettext("Inga – filerna är hela paketet")), *_processes()]
    if not form.validate_on_submit():
        return render_template("processes/upload.html", form=form, checked=None)
    action = request.form.get("action", "validera")
    try:
        uploaded = bundle_from_uploads(request.files.getlist(form.files.name))
        files, origin = _complete(uploaded, form.base.data or "")
    except BundleInvalid as invalid:
        return _report(form, Checked([], invalid.problems, {}))
    if action == "utkast":
        return _keep_as_draft(form, files)
    if action == "driftsatt":
        return _deploy(form, files, origin)
    problems = engine.check_bundle(runtime(), files)
    if not problems:
        flash(gettext("Paketet är giltigt och kan driftsättas."), "success")
    return _report(form, Checked(origin, problems, _element_names(files) if problems else {}))


def _processes() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for definition in engine.list_definitions(runtime()):
        seen.setdefault(definition.process_key, f"{definition.name} ({definition.process_key})")
    return sorted(seen.items(), key=lambda item: item[1].casefold())


def _complete(
    uploaded: dict[str, bytes], base: str
) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """The uploaded files over the newest version's files of ``base`` (if one was chosen)."""
    if not uploaded:
        raise BundleInvalid([Problem("", None, None, gettext("Välj minst en fil att ladda upp."))])
    files: dict[str, bytes] = {}
    if base:
        try:
            definition = engine.find_definition(runtime(), base)
        except NotFound as missing:
            raise BundleInvalid([Problem("", None, None, missing.message)]) from None
        files = engine.definition_files(runtime(), definition.id)
    origin = [(name, "base") for name in sorted(files) if name not in uploaded]
    files.update(uploaded)
    return files, [(name, "upload") for name in sorted(uploaded)] + origin


def _deploy(
    form: UploadForm, files: dict[str, bytes], origin: list[tuple[str, str]]
) -> ResponseReturnValue:
    try:
        deployment = engine.deploy(runtime(), files, me().name, form.comment.data or "")
    except BundleInvalid as invalid:
        return _report(form, Checked(origin, invalid.problems, _element_names(files)))
    first = deployment.definitions[0]
    if deployment.created:
        flash(gettext("Paketet driftsattes som en ny version."), "success")
    else:
        same = gettext("Exakt samma filer är redan driftsatta; ingen ny version skapades.")
        flash(same, "success")
    return redirect(f"/processer/{first.process_key}/{first.version}")


def _keep_as_draft(form: UploadForm, files: dict[str, bytes]) -> ResponseReturnValue:
    key = form.base.data or _process_key(files)
    if not key or len(key) > MAX_KEY:
        no_key = gettext("Paketet har ingen process att spara ett utkast för.")
        too_long = gettext("Processens id är för långt (högst %(n)d tecken).", n=MAX_KEY)
        flash(too_long if key else no_key, "error")
        return redirect(url_for("processes.upload"))
    version = None
    with contextlib.suppress(NotFound):
        version = engine.find_definition(runtime(), key).version
    try:
        engine.save_process_draft(runtime(), me().name, key, files, version)
    except BundleInvalid as invalid:
        return _report(form, Checked([], invalid.problems, {}))
    flash(gettext("Filerna sparades som ditt utkast. Rätta felen i modelleraren."), "success")
    return redirect(f"/modellera/{key}")


def _report(form: UploadForm, checked: Checked) -> ResponseReturnValue:
    status = 422 if checked.problems else 200
    return render_template("processes/upload.html", form=form, checked=checked), status


def _process_key(files: dict[str, bytes]) -> str:
    """The first executable process declared by the bundle's BPMN files (in name order)."""
    for root in _bpmn_roots(files):
        for process in root.iter(f"{{{BPMN}}}process"):
            if process.get("isExecutable", "true") != "false" and process.get("id"):
                return str(process.get("id"))
    return ""


def _element_names(files: dict[str, bytes]) -> dict[str, str]:
    names: dict[str, str] = {}
    for root in _bpmn_roots(files):
        for element in root.iter():
            if element.get("id") and element.get("name"):
                names.setdefault(str(element.get("id")), str(element.get("name")))
    return names


def _bpmn_roots(files: dict[str, bytes]) -> list[Any]:
    roots = []
    for name in sorted(files):
        if kind_of(name) != "bpmn":
            continue
        try:
            roots.append(parse_xml(files[name], runtime().settings.max_file_bytes))
        except FileRefused:
            continue  # the validation reports it
    return roots
