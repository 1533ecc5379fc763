"""Who is calling the API: a bearer token, or a signed-in browser session.

- ``Authorization: Bearer sif_…``: the token's user, for every method. A header that is there
  but wrong (another scheme, an unknown or revoked token, a deactivated user) is a 401 even if
  a session cookie comes along: the caller said who they are, and it did not hold.
- No such header, and a signed-in session: reading (GET, HEAD, OPTIONS) as that person; any
  other method must carry the session's CSRF token (``X-CSRFToken``), as the pages' forms do,
  else 403. A cookie is sent by the browser whatever page asks, the token only by our own.
- Neither: 401 with ``WWW-Authenticate: Bearer``, never the sign-in page.

The OpenAPI document is public: it describes the API, not anyone's data.
"""

from __future__ import annotations

from typing import cast

from flask import Response, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

import engine
from engine import NotAllowed, User
from web.api import bp
from web.context import runtime

READING = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC = frozenset({"api.openapi"})


def caller() -> User:
    """The person this API request acts for (set before every endpoint runs)."""
    return cast(User, g.api_caller)


def _refuse(message: str) -> Unauthorized:
    return Unauthorized(message, www_authenticate=WWWAuthenticate("bearer", {"realm": "sif"}))


@bp.before_request
def identify_caller() -> None:
    if request.endpoint in PUBLIC:
        return
    header = request.headers.get("Authorization")
    if header is not None:
        g.api_caller = _token_user(header)
        return
    if current_user.is_authenticated:
        if request.method not in READING:
            cast(CSRFProtect, current_app.extensions["csrf"]).protect()
        g.api_caller = current_user.user
        return
    raise _refuse("Logga in, eller skicka en API-token: Authorization: Bearer sif_…")


def _token_user(header: str) -> User:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _refuse("Ange token så här: Authorization: Bearer sif_…")
    try:
        return engine.user_for_token(runtime(), token.strip())
    except NotAllowed as refused:
        raise _refuse(refused.message) from None


@bp.after_request
def private(response: Response) -> Response:
    """What the API answers is one person's view: no shared cache may keep it."""
    response.headers["Cache-Control"] = "no-store"
    response.vary.update(("Authorization", "Cookie"))
    return response
