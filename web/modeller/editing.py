"""The modeller's JSON endpoints under ``/modellera/<key>/``: the bundle to edit, the person's
draft (save, discard), validation, and deploying a new version.

The bundle travels whole as ``{"files": {name: text}}``: the page edits one BPMN file at a time
and sends every file of the deployment with that file's XML replaced. Everything here is for
process owners only; a draft belongs to the person who saved it."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import jsonify, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

import engine
from engine import Definition, NotFound, ProcessDraft
from web.access import process_owner_required
from web.context import me, runtime
from web.formatting import when
from web.modeller import bp
from web.modeller.answers import (
    BadRequest,
    bundle_of,
    json_view,
    problems_json,
    request_json,
)

MAX_COMMENT = 2000


def newest_version(key: str) -> Definition | None:
    """The newest deployed version of ``key``, if it was ever deployed."""
    with contextlib.suppress(NotFound):
        return engine.find_definition(runtime(), key)
    return None


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
    rt = runtime()
    draft = engine.process_draft(rt, me().name, key)
    newest = newest_version(key)
    if draft is not None:
        files, base = draft.files, draft.base_version
    elif newest is not None:
        files, base = engine.definition_files(rt, newest.id), newest.version
    else:
        raise NotFound(gettext("Processen %(key)s finns inte.", key=key))
    return jsonify(
        process_key=key,
        files={name: content.decode("utf-8") for name, content in sorted(files.items())},
        base_version=base,
        newest_version=newest.version if newest else None,
        draft=draft_json(draft),
    )


@bp.post("/modellera/<key>/utkast")
@process_owner_required
@json_view
def save_draft(key: str) -> ResponseReturnValue:
    """Keep the sent bundle as the person's draft of ``key`` (not validated, never deployed)."""
    files = bundle_of(request_json())
    rt = runtime()
    earlier = engine.process_draft(rt, me().name, key)
    newest = newest_version(key)
    base = earlier.base_version if earlier else (newest.version if newest else None)
    draft = engine.save_process_draft(rt, me().name, key, files, base)
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
    problems = engine.check_bundle(runtime(), bundle_of(request_json()))
    if problems:
        message = gettext("Paketet har %(n)d fel.", n=len(problems))
    else:
        message = gettext("Inga fel: paketet kan driftsättas.")
    return jsonify(valid=not problems, message=message, problems=problems_json(problems))


@bp.post("/modellera/<key>/driftsatt")
@process_owner_required
@json_view
def deploy(key: str) -> ResponseReturnValue:
    """Deploy the sent bundle as a new version if it is valid (422 with the problems if not,
    answered by web.modeller.answers); the person's draft of ``key`` is then discarded."""
    body = request_json()
    comment = body.get("comment", "")
    if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
        raise BadRequest(gettext("Kommentaren får vara högst %(n)d tecken.", n=MAX_COMMENT))
    files = bundle_of(body)
    rt = runtime()
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
