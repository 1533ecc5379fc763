"""The modeller's JSON endpoints under ``/modellera/<key>/``: the bundle to edit, the person's
draft (save, discard), validation, and deploying a new version.

The bundle travels as ``{"files": {name: text}}``: the page edits the BPMN files, one at a time.
What it sends of other kinds (forms, decision tables) is not taken: those come from the
person's draft as the form and decision editors saved it, else from the newest version, so a
modeller left open in another tab cannot put back an older form. Deploying a draft that started
from an older version than the newest asks first (409 ``newer_version``), since it would undo
what was deployed since. Everything here is for process owners only; a draft belongs to the
person who saved it."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

import engine
from engine import BundleInvalid, Conflict, Definition, Problem, ProcessDraft
from engine.bundle import kind_of
from web.access import process_owner_required
from web.context import me, runtime
from web.formatting import person, when
from web.modeller import bp
from web.modeller.answers import (
    BadRequest,
    bundle_of,
    json_view,
    problems_json,
    request_json,
)
from web.modeller.bundle_files import WorkingCopy, working_copy
from web.uploads import MAX_COMMENT


class NewerVersion(Conflict):
    """The draft started from an older version than the newest: deploying it would undo what
    was deployed since (the page asks the person first)."""

    code = "newer_version"


def draft_json(draft: ProcessDraft | None) -> dict[str, Any]:
    """What the page shows about the person's draft: whether there is one and when it was saved."""
    if draft is None:
        return {"exists": False, "saved_at": None, "saved_text": gettext("Inget utkast sparat")}
    saved = gettext("Utkast sparat %(when)s", when=when(draft.saved_at))
    return {"exists": True, "saved_at": draft.saved_at.isoformat(), "saved_text": saved}


@bp.get("/modellera/<key>/paket")
@process_owner_required
@json_view
def bundle(key: str) -> ResponseReturnValue:
    """The bundle to edit: the person's draft if they have one, else the newest version's files."""
    copy = working_copy(runtime(), me().name, key)
    return jsonify(
        process_key=key,
        files={name: content.decode("utf-8") for name, content in sorted(copy.files.items())},
        base_version=copy.base_version,
        newest_version=copy.newest.version if copy.newest else None,
        draft=draft_json(copy.draft),
    )


def edited_bundle(key: str, body: dict[str, Any]) -> tuple[dict[str, bytes], WorkingCopy]:
    """The sent BPMN files over the other files of the person's working copy of ``key``."""
    copy = working_copy(runtime(), me().name, key)
    sent = bundle_of(body)
    files = {name: content for name, content in copy.files.items() if kind_of(name) != "bpmn"}
    unknown = [name for name in sent if kind_of(name) is None]
    if unknown:
        refused = gettext("Ogiltigt filnamn eller okänd filtyp.")
        raise BundleInvalid([Problem(name, None, None, refused) for name in unknown])
    files.update((name, content) for name, content in sent.items() if kind_of(name) == "bpmn")
    return files, copy


@bp.post("/modellera/<key>/utkast")
@process_owner_required
@json_view
def save_draft(key: str) -> ResponseReturnValue:
    """Keep the sent diagrams as the person's draft of ``key`` (not validated, never
    deployed), with the draft's other files as they are."""
    files, copy = edited_bundle(key, request_json())
    draft = engine.save_process_draft(runtime(), me().name, key, files, copy.base_version)
    return jsonify(draft=draft_json(draft))


@bp.delete("/modellera/<key>/utkast")
@process_owner_required
@json_view
def discard_draft(key: str) -> ResponseReturnValue:
    """Throw the person's draft away; the page then loads the newest version again."""
    had = engine.discard_process_draft(runtime(), me().name, key)
    return jsonify(discarded=had, draft=draft_json(None))


@bp.post("/modellera/<key>/validera")
@process_owner_required
@json_view
def validate(key: str) -> ResponseReturnValue:
    """Every problem deploying the sent bundle would meet (Sif's whole pipeline); deploys
    nothing."""
    files, _ = edited_bundle(key, request_json())
    problems = engine.check_bundle(runtime(), files)
    if problems:
        message = gettext("Paketet har %(n)d fel.", n=len(problems))
    else:
        message = gettext("Inga fel: paketet kan driftsättas.")
    return jsonify(valid=not problems, message=message, problems=problems_json(problems))


@bp.post("/modellera/<key>/driftsatt")
@process_owner_required
@json_view
def deploy(key: str) -> ResponseReturnValue:
    """Deploy the sent diagrams with the draft's other files as a new version if it is valid
    (422 with the problems if not, answered by web.modeller.answers; 409 if the draft started
    from an older version than the newest and ``replace_newer`` is not true); the person's
    draft of ``key`` is then discarded."""
    body = request_json()
    comment = body.get("comment", "")
    if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
        raise BadRequest(gettext("Kommentaren får vara högst %(n)d tecken.", n=MAX_COMMENT))
    files, copy = edited_bundle(key, body)
    rt = runtime()
    newest = copy.newest
    if newest is not None and _behind(copy, newest) and body.get("replace_newer") is not True:
        raise NewerVersion(_newer_said(copy, newest))
    deployment = engine.deploy(rt, files, me().name, comment)  # BundleInvalid: 422, problems
    engine.discard_process_draft(rt, me().name, key)
    found = deployment.definitions
    ours = [d for d in found if d.process_key == key] or deployment.definitions
    version = ours[0]
    if deployment.created:
        message = gettext("Version %(v)d är driftsatt.", v=version.version)
    else:
        message = gettext(
            "Exakt samma filer är redan driftsatta som version %(v)d.", v=version.version
        )
    url = f"/processer/{version.process_key}/{version.version}"
    return jsonify(
        created=deployment.created,
        process_key=version.process_key,
        version=version.version,
        url=url,
        modeller_url=url_for("modeller.page", key=version.process_key),
        message=message,
        versions=[{"process_key": d.process_key, "version": d.version} for d in found],
    ), 201 if deployment.created else 200


def _behind(copy: WorkingCopy, newest: Definition) -> bool:
    """Whether the working copy started from a version older than the newest."""
    return copy.base_version is not None and copy.base_version < newest.version


def _newer_said(copy: WorkingCopy, newest: Definition) -> str:
    return str(gettext(
        "Ditt utkast utgår från version %(base)d, men version %(newest)d driftsattes %(when)s av "
        "%(who)s. Driftsätter du utkastet försvinner det som ändrades i version %(newest)d.",
        base=copy.base_version, newest=newest.version, when=when(newest.deployed_at),
        who=person(newest.deployed_by),
    ))  # fmt: skip
