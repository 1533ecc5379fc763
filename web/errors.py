"""Errors as people should meet them: a Swedish page (or JSON under /api/), never a traceback.

Sif's own errors map to HTTP status in one place (``STATUS``); anything unexpected is logged
and shown as a calm 500 page that says nothing was lost that was not already saved.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine import (
    BundleInvalid,
    Conflict,
    Incident,
    NotAllowed,
    NotFound,
    SifError,
    ValidationFailed,
)

log = logging.getLogger("sif.web")
STATUS: dict[type[SifError], int] = {
    BundleInvalid: 422, ValidationFailed: 422, Conflict: 409, NotAllowed: 403, NotFound: 404,
    Incident: 409,
}  # fmt: skip
TITLES = {
    400: "Felaktig begäran",
    401: "Inloggning krävs",
    403: "Du har inte behörighet",
    404: "Sidan finns inte",
    405: "Metoden är inte tillåten",
    409: "Det gick inte att genomföra",
    413: "För stor förfrågan",
    415: "Fel innehållstyp",
    422: "Uppgifterna är inte giltiga",
    500: "Något gick fel",
}
MESSAGES = {
    400: "Förfrågan kunde inte tolkas.",
    401: "Du behöver logga in.",
    403: "Du har inte behörighet till det här.",
    404: "Det du letar efter finns inte, eller så har du inte tillgång till det.",
    405: "Det går inte att göra så här på den här adressen.",
    413: "Det du skickade är för stort.",
    415: "Innehållet har fel typ.",
    500: "Ett oväntat fel inträffade. Det som redan var sparat finns kvar; försök igen.",
}


def status_of(error: SifError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 409


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None) -> ResponseReturnValue:
    text = message or MESSAGES.get(status, "Det gick inte att genomföra.")
    if wants_json():
        return jsonify(error=TITLES.get(status, "fel"), message=text), status
    title = TITLES.get(status, "Det gick inte att genomföra")
    return render_template("errors/error.html", status=status, title=title, message=text), status


def init_app(app: Flask) -> None:
    @app.errorhandler(SifError)
    def sif_error(error: SifError) -> ResponseReturnValue:
        return render_error(status_of(error), error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return render_error(400, "Formuläret har gått ut eller skickades inte härifrån. "
                                 "Ladda om sidan och försök igen.")  # fmt: skip

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return render_error(500)
