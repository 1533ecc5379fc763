"""The fund (``/fond``): balances at any date, per project, Table 1 and Table 2, charts and
exports (DOMAIN §5)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("fund", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
