"""User administration (``/admin/anvandare``): add people, give and take roles, deactivate,
reset passwords — every change audited."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
