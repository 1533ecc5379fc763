"""The modeller (``/modellera/<key>``): bpmn-js with Sif's properties, the process owner's draft
kept on the server, validation shown on the diagram, deploying a new version; dmn-js for the
decision tables and a form editor with a live preview of the Swedish form."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("modeller", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
