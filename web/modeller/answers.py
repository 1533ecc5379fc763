"""How the modeller's JSON endpoints answer: the request's bundle read and checked for shape,
and every error as JSON ``{error, message, problems: [{file, line, element_id, message}]}`` with
its status (never an HTML page, never a 500 with a traceback). The page itself keeps Sif's
ordinary error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine import BundleInvalid, Problem, SifError
from web.errors import MESSAGES, render_error, status_of
from web.modeller import bp

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("sif.web.modeller")
MAX_FILES = 200  # as many as a bundle may hold (engine.bundle); more is refused unread
MAX_NAME = 200
JSON_VIEWS: set[str] = set()


class BadRequest(SifError):
    """The request is not what the modeller sends: not JSON, or files of the wrong shape."""

    code = "bad_request"


def json_view(view: F) -> F:
    """Mark a view as a JSON endpoint: its errors are answered as JSON."""
    JSON_VIEWS.add(f"{bp.name}.{view.__name__}")
    return view


def problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.as_dict() for p in problems]


def error_json(
    status: int, code: str, message: str, problems: list[Problem] | None = None
) -> tuple[Response, int]:
    body = {"error": code, "message": message, "problems": problems_json(problems or [])}
    return jsonify(body), status


def request_json() -> dict[str, Any]:
    """The request's JSON object (``BadRequest`` if it is not one)."""
    if not request.is_json:
        raise BadRequest(gettext("Förfrågan ska vara JSON."))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest(gettext("Förfrågan är inte ett giltigt JSON-objekt."))
    return body


def bundle_of(body: dict[str, Any]) -> dict[str, bytes]:
    """The bundle in ``body["files"]`` (file name → text) as bytes. Only its shape is checked
    here; names, kinds and sizes are the engine's to judge, like any other bundle's."""
    files = body.get("files")
    if not isinstance(files, dict) or not files:
        raise BadRequest(gettext("Förfrågan saknar paketets filer."))
    if len(files) > MAX_FILES:
        raise BadRequest(gettext("Paketet har för många filer (högst %(n)d).", n=MAX_FILES))
    bundle: dict[str, bytes] = {}
    for name, text in files.items():
        if not isinstance(text, str) or len(name) > MAX_NAME:
            raise BadRequest(gettext("Filen %(name)s kan inte läsas.", name=name[:MAX_NAME]))
        bundle[name] = text.encode("utf-8", errors="replace")
    return bundle


@bp.errorhandler(SifError)
def _sif_error(error: SifError) -> ResponseReturnValue:
    if request.endpoint not in JSON_VIEWS:
        return render_error(status_of(error), error.message)
    problems = error.problems if isinstance(error, BundleInvalid) else []
    status = 400 if isinstance(error, BadRequest) else status_of(error)
    return error_json(status, error.code, error.message, problems)


@bp.errorhandler(CSRFError)
def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    message = gettext("Sidan har gått ut. Ladda om den och försök igen.")
    if request.endpoint not in JSON_VIEWS:
        return render_error(400, message)
    return error_json(400, "csrf", message)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    if request.endpoint not in JSON_VIEWS:
        return render_error(status)
    message = str(MESSAGES.get(status) or gettext("Det gick inte att genomföra."))
    return error_json(status, "http", message)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> ResponseReturnValue:
    log.exception("unexpected error on %s %s", request.method, request.path)
    if request.endpoint not in JSON_VIEWS:
        return render_error(500)
    return error_json(500, "unexpected", str(MESSAGES[500]))
