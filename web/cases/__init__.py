"""My cases (``/mina-arenden``): the cases a person started or worked on, and what each waits
for, and from whom."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request
from flask.typing import ResponseReturnValue

import engine
from web.auth import login_required
from web.cases.status import STATUS_NAMES
from web.context import me, runtime
from web.roles import role_names

bp = Blueprint("cases", __name__)


@bp.route("/mina-arenden")
@login_required
def my_cases() -> ResponseReturnValue:
    try:
        page_number = max(int(request.args.get("sida", "1")), 1)
    except ValueError:
        page_number = 1
    page = engine.my_cases(runtime(), me().name, page=page_number)
    return render_template(
        "cases/my_cases.html", page=page, status_names=STATUS_NAMES, role_names=role_names
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


# The administrators' pages register their routes on ``bp``.
from web.cases import case, overview  # noqa: E402,F401
