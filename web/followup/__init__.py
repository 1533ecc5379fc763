"""Follow-up of a case (``/arenden/<key>/uppfoljning``): every indicator and measure of its
evaluation plan over time, and which reports are due, late or missing (DOMAIN §7)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("followup", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
