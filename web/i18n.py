"""The person's language: Swedish by default, English on request (``POST /sprak``).

The choice is kept in the session (``session["lang"]``), where ``web.app``'s locale selector
reads it. The Swedish texts are the message ids, so Swedish needs no catalog; the English one
is ``web/translations/en`` (``make translations`` extracts, updates and compiles it).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from web.auth import safe_next

bp = Blueprint("i18n", __name__)

#: The languages one may choose, each named in itself, as a language switch shows them.
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}


@bp.route("/sprak", methods=["POST"])
def choose() -> ResponseReturnValue:
    """Switch to the posted language (``sprak``) and go back to the page the switch was on
    (``tillbaka``: a path on this site only, else the inbox). An unknown language is a 400."""
    chosen = request.form.get("sprak", "")
    if chosen not in LANGUAGE_NAMES:
        abort(400)
    session["lang"] = chosen
    return redirect(safe_next(request.form.get("tillbaka")))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def language() -> dict[str, Any]:
        return {"current_language": str(get_locale() or "sv"), "language_names": LANGUAGE_NAMES}
