"""The modeller (``/modellera/<key>``): bpmn-js with Sif's properties, the process owner's draft
kept on the server, validation shown on the diagram, deploying a new version; dmn-js for the
decision tables and a form editor with a live preview of the Swedish form.

Every module of this package registers its routes on ``bp`` when imported; ``init_app``
imports them all (the form and DMN editors included), so a new module needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint, Flask

bp = Blueprint("modeller", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    app.register_blueprint(bp)
