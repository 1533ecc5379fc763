"""Errors as people should meet them: a Swedish (or English) page, or JSON under /api/, never a
traceback.

Sif's own errors map to HTTP status in one place (``STATUS``); anything unexpected is logged
and shown as a calm 500 page that says nothing was lost that was not already saved.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString
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
TITLES: dict[int, LazyString] = {
    400: _("Felaktig begäran"),
    401: _("Inloggning krävs"),
    403: _("Du har inte behörighet"),
    404: _("Sidan finns inte"),
    405: _("Metoden är inte tillåten"),
    409: _("Det gick inte att genomföra"),
    413: _("För stor förfrågan"),
    415: _("Fel innehållstyp"),
    422: _("Uppgifterna är inte giltiga"),
    500: _("Något gick fel"),
}
MESSAGES: dict[int, LazyString] = {
    400: _("Förfrågan kunde inte tolkas."),
    401: _("Du behöver logga in."),
    403: _("Du har inte behörighet till det här."),
    404: _("Det du letar efter finns inte, eller så har du inte tillgång till det."),
    405: _("Det går inte att göra så här på den här adressen."),
    413: _("Det du skickade är för stort."),
    415: _("Innehållet har fel typ."),
    500: _("Ett oväntat fel inträffade. Det som redan var sparat finns kvar; försök igen."),
}


def status_of(error: SifError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 409


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None) -> ResponseReturnValue:
    """The error page (JSON under /api/) for ``status``, in the person's language; ``message``
    (already translated, or the engine's Swedish) replaces the status's own."""
    text = str(message or MESSAGES.get(status) or gettext("Det gick inte att genomföra."))
    if wants_json():
        return jsonify(error=str(TITLES.get(status) or gettext("fel")), message=text), status
    title = str(TITLES.get(status) or gettext("Det gick inte att genomföra"))
    return render_template("errors/error.html", status=status, title=title, message=text), status


def init_app(app: Flask) -> None:
    @app.errorhandler(SifError)
    def sif_error(error: SifError) -> ResponseReturnValue:
        return render_error(status_of(error), error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return render_error(400, gettext("Formuläret har gått ut eller skickades inte härifrån. "
                                         "Ladda om sidan och försök igen."))  # fmt: skip

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return render_error(500)
