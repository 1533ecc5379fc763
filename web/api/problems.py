"""Errors as the API answers them: JSON ``{error, message}`` with the right status, never HTML.

``error`` is the Swedish title of the status (as on the error pages), ``message`` says what
went wrong. A 422 adds ``errors``: ``[{path, message}]`` for data that broke a form or a rule,
``[{file, line, element_id, message}]`` for a refused bundle. Sif's errors map to status in
``web.errors.STATUS``; this module only shapes them for the API.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from engine import BundleInvalid, FieldError, SifError, ValidationFailed
from web.api import bp
from web.errors import MESSAGES, TITLES, render_error, status_of, wants_json

#: Headers an error must keep: how to authenticate (401), which methods exist (405).
KEPT_HEADERS = ("WWW-Authenticate", "Allow")


def problem(status: int, message: str | None = None, **extra: Any) -> tuple[Response, int]:
    """The JSON answer for an error: ``{error, message, …extra}`` with ``status``."""
    text = message or MESSAGES.get(status, "Det gick inte att genomföra.")
    return jsonify(error=TITLES.get(status, "Fel"), message=text, **extra), status


def _swedish(error: dict[str, Any]) -> str:
    """A pydantic error in Swedish (its English message is for developers)."""
    kind, context = str(error.get("type", "")), error.get("ctx") or {}
    found = SWEDISH.get(kind)
    if found is None:
        return "Värdet är inte giltigt."
    try:
        return found.format(**context)
    except (KeyError, IndexError):
        return "Värdet är inte giltigt."


SWEDISH = {
    "missing": "Värdet saknas.",
    "extra_forbidden": "Fältet är okänt.",
    "string_type": "Ange en text.",
    "string_too_short": "Texten är för kort (minst {min_length} tecken).",
    "string_too_long": "Texten är för lång (högst {max_length} tecken).",
    "string_pattern_mismatch": "Texten har fel form.",
    "int_type": "Ange ett heltal.",
    "int_parsing": "Ange ett heltal.",
    "int_from_float": "Ange ett heltal.",
    "bool_type": "Ange true eller false.",
    "bool_parsing": "Ange true eller false.",
    "greater_than_equal": "Värdet måste vara minst {ge}.",
    "less_than_equal": "Värdet får vara högst {le}.",
    "greater_than": "Värdet måste vara större än {gt}.",
    "less_than": "Värdet måste vara mindre än {lt}.",
    "literal_error": "Tillåtna värden: {expected}.",
    "enum": "Tillåtna värden: {expected}.",
    "dict_type": "Ange ett objekt.",
    "model_type": "Ange ett objekt.",
    "model_attributes_type": "Ange ett objekt.",
    "list_type": "Ange en lista.",
    "date_type": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_inexact": "Ange ett datum utan klockslag.",
    "too_long": "Listan är för lång (högst {max_length}).",
    "value_error": "{error}",
}


def field_errors(error: ValidationError) -> list[FieldError]:
    """A request's validation errors, one per field; ``path`` is dotted (``data.amount``)."""
    return [
        FieldError(".".join(str(part) for part in item["loc"]), _swedish(dict(item)))
        for item in error.errors(include_url=False, include_input=False)
    ]


def _validation_failed(error: ValidationFailed) -> ResponseReturnValue:
    errors = [e.as_dict() for e in error.errors]
    return problem(422, error.message, errors=errors)


def _bundle_invalid(error: BundleInvalid) -> ResponseReturnValue:
    return problem(422, error.message, errors=[p.as_dict() for p in error.problems])


def _sif_error(error: SifError) -> ResponseReturnValue:
    return problem(status_of(error), error.message)


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    return problem(403, "CSRF-token saknas eller är ogiltig. Skicka sidans token i X-CSRFToken.")


def _http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    described = error.description != type(error).description  # ours are Swedish
    body, code = problem(status, error.description if described else None)
    plain = error.get_response()
    body.headers.update(
        {name: plain.headers[name] for name in KEPT_HEADERS if name in plain.headers}
    )
    return body, code


def _method_not_allowed(error: MethodNotAllowed) -> ResponseReturnValue:
    """Under /api/ a 405 names the methods that exist (``Allow``); pages stay as they were.
    Routing errors never reach a blueprint, so this one is the app's."""
    if wants_json():
        return _http_error(error)
    return render_error(405)


def init_app(app: Flask) -> None:
    app.register_error_handler(MethodNotAllowed, _method_not_allowed)


bp.register_error_handler(ValidationFailed, _validation_failed)
bp.register_error_handler(BundleInvalid, _bundle_invalid)
bp.register_error_handler(SifError, _sif_error)
bp.register_error_handler(CSRFError, _csrf_error)
bp.register_error_handler(HTTPException, _http_error)
