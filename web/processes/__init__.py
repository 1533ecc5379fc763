"""The process owners' pages (``/processer``): every process and its versions, a version's
diagram and files, what changed between two versions, uploading a bundle from another tool,
and moving running cases to a new version."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("processes", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


# The pages register their routes on ``bp``.
from web.processes import migration, pages, upload  # noqa: E402,F401
