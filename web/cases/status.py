"""Swedish names of case statuses (engine.CaseStatus)."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

STATUS_NAMES: dict[str, LazyString] = {
    "running": _("Pågår"),
    "waiting": _("Väntar"),
    "completed": _("Avslutat"),
    "error": _("Fel – hanteras av administratör"),
    "suspended": _("Pausat"),
    "terminated": _("Avbrutet"),
}


def status_name(status: str) -> str:
    return str(STATUS_NAMES.get(status) or gettext("Okänd status"))
