"""User administration (``/admin/anvandare``): add people, give and take roles, deactivate,
reset passwords — every change audited. The pages are in ``web.admin.users``, the forms and
the grouped role catalogue in ``web.admin.forms``."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__)


def init_app(app: Flask) -> None:
    from web.admin import users  # noqa: F401 - registers the pages' routes on bp

    app.register_blueprint(bp)
