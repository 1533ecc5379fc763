"""Where cases wait (``/arenden/vantetider``): a heatmap of open tasks and waiting times on the
process diagram, with the same numbers as a table."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("waiting", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
