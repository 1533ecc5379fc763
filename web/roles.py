"""Names of the roles (DOMAIN §2.1), Swedish or in the person's language. Role ids are for BPMN
lanes, never for the screen."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

#: The Swedish names (the message ids), translated when shown.
ROLE_NAMES: dict[str, LazyString] = {
    "applicant_board": _("Sökande nämnd"),
    "affected_board": _("Berörd nämnd"),
    "applicant": _("Sökande förvaltning"),
    "admin_head": _("Förvaltningschef"),
    "ops_head": _("Verksamhetschef"),
    "coordinator": _("Samordnare"),
    "council": _("Rådet för sociala investeringar"),
    "council_chair": _("Rådets ordförande"),
    "council_member": _("Rådsledamot"),
    "scientific_reviewer": _("Vetenskaplig granskare"),
    "city_director": _("Stadsdirektör"),
    "finance_director": _("Ekonomidirektör"),
    "committee": _("Hållbarhetsutskottet"),
    "ks": _("Kommunstyrelsen"),
    "kf": _("Kommunfullmäktige"),
    "steering_group": _("Styrgrupp"),
    "project_leader": _("Projektledare"),
    "project_member": _("Projektmedarbetare"),
    "economist": _("Ekonom och utvärderare"),
    "external_evaluator": _("Extern utvärderare"),
    "central_economist": _("Central ekonom"),
    "admin_economist": _("Förvaltningsekonom"),
    "statistician": _("Statistiker"),
    "planner": _("Utredare"),
    "partner": _("Extern partner"),
    "board_secretary": _("Nämndsekreterare"),
    "admin": _("Systemadministratör"),
    "auditor": _("Revisor"),
    "process_owner": _("Processägare"),
}


def role_name(role: str) -> str:
    """The name of a role in the person's language ('Samordnare'); a role Sif has no name for
    is shown as 'Övrig roll'. Swedish outside a request (the command line)."""
    return str(ROLE_NAMES.get(role) or gettext("Övrig roll"))


def role_names(roles: Iterable[str]) -> str:
    """Several roles as text: 'Samordnare eller Rådsledamot'."""
    names = sorted({role_name(r) for r in roles})
    if not names:
        return str(gettext("ingen roll"))
    either = gettext("eller")  # between two role names
    return f" {either} ".join(names)
