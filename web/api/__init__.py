"""The REST API v1 under ``/api/v1`` (DESIGN §5): JSON for scripts and for the browser.

- Who is calling (``web.api.auth``): a bearer token (``sif token create USER``), or a signed-in
  browser session, which must send its CSRF token (``X-CSRFToken``) for anything but reading.
  Without either the answer is a JSON 401, never the sign-in page.
- What they may see and do (``web.api.access``): a case or task the caller may not see is
  answered 404 exactly as one that does not exist; an action on something they may see but
  not do is 403.
- What goes in and out (``web.api.schemas``): pydantic models that every endpoint validates its
  request and its response with. spectree (``web.api.spec``) builds the OpenAPI 3 document at
  ``/api/v1/openapi.json`` from the same models, so the document cannot drift from the code.
- Errors (``web.api.problems``): JSON ``{error, message}`` with the right status, and ``errors``
  per field (422) or per bundle problem (422 on deploy). Messages are Swedish.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    # Importing the route modules registers their endpoints on bp (the flaskr pattern).
    from web.api import (  # noqa: F401
        auth,
        cases,
        definitions,
        fund,
        me,
        notifications,
        problems,
        worklist,
    )

    # Bearer requests carry no cookie, so they need no CSRF token; session requests are
    # checked by web.api.auth instead, with the same token the pages use.
    app.extensions["csrf"].exempt(bp)
    problems.init_app(app)
    app.register_blueprint(bp)
