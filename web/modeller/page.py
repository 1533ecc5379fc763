"""The modeller's page ``/modellera/<key>``: bpmn-js with its properties panel (built from
web/frontend/modeller/ into js/modeller.bundle.js), given what it offers as JSON in the page:
roles and stages by their Swedish names, the registered services and form rules, the texts its
script shows, and the URLs of the JSON endpoints (web.modeller.editing)."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask.typing import ResponseReturnValue

from web.access import process_owner_required
from web.context import me, runtime
from web.labels import STAGE_NAMES
from web.modeller import bp
from web.modeller.bundle_files import draft_and_newest
from web.modeller.editing import draft_json
from web.modeller.names import RULE_NAMES, SERVICE_NAMES, named
from web.modeller.texts import script_texts
from web.roles import ROLE_NAMES


def choices() -> dict[str, Any]:
    """What the properties panel offers, each with its Swedish name, sorted by that name."""
    roles = sorted(({"id": k, "name": str(v)} for k, v in ROLE_NAMES.items()), key=_by_name)
    stages = [{"id": k, "name": str(v)} for k, v in STAGE_NAMES.items()]
    services = runtime().services
    return {
        "roles": roles,
        "stages": stages,
        "services": named(services.names(), SERVICE_NAMES),
        "rules": named(services.rule_names(), RULE_NAMES),
    }


def _by_name(item: dict[str, str]) -> str:
    return item["name"].casefold()


@bp.get("/modellera/<key>")
@process_owner_required
def page(key: str) -> ResponseReturnValue:
    """The modeller on ``key``'s draft or newest version (404 if the process has neither)."""
    draft, newest = draft_and_newest(runtime(), me().name, key)
    config = {
        "processKey": key,
        "urls": {
            "bundle": url_for("modeller.bundle", key=key),
            "draft": url_for("modeller.save_draft", key=key),
            "validate": url_for("modeller.validate", key=key),
            "deploy": url_for("modeller.deploy", key=key),
        },
        "choices": choices(),
        "texts": script_texts(),
    }
    return render_template(
        "modeller/modeller.html",
        key=key,
        name=newest.name if newest else key,
        newest=newest,
        draft=draft_json(draft),
        config=config,
    )
