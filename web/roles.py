"""Swedish names of the roles (DOMAIN §2.1). Role ids are for BPMN lanes, never for the screen."""

from __future__ import annotations

from collections.abc import Iterable

ROLE_NAMES: dict[str, str] = {
    "applicant_board": "Sökande nämnd",
    "affected_board": "Berörd nämnd",
    "applicant": "Sökande förvaltning",
    "admin_head": "Förvaltningschef",
    "ops_head": "Verksamhetschef",
    "coordinator": "Samordnare",
    "council": "Rådet för sociala investeringar",
    "council_chair": "Rådets ordförande",
    "council_member": "Rådsledamot",
    "scientific_reviewer": "Vetenskaplig granskare",
    "city_director": "Stadsdirektör",
    "finance_director": "Ekonomidirektör",
    "committee": "Hållbarhetsutskottet",
    "ks": "Kommunstyrelsen",
    "kf": "Kommunfullmäktige",
    "steering_group": "Styrgrupp",
    "project_leader": "Projektledare",
    "project_member": "Projektmedarbetare",
    "economist": "Ekonom och utvärderare",
    "external_evaluator": "Extern utvärderare",
    "central_economist": "Central ekonom",
    "admin_economist": "Förvaltningsekonom",
    "statistician": "Statistiker",
    "planner": "Utredare",
    "partner": "Extern partner",
    "board_secretary": "Nämndsekreterare",
    "admin": "Systemadministratör",
    "auditor": "Revisor",
    "process_owner": "Processägare",
}


def role_name(role: str) -> str:
    """The Swedish name of a role; a role Sif has no name for is shown as 'Övrig roll'."""
    return ROLE_NAMES.get(role, "Övrig roll")


def role_names(roles: Iterable[str]) -> str:
    """Several roles as Swedish text: 'Samordnare eller Rådsledamot'."""
    names = sorted({role_name(r) for r in roles})
    return " eller ".join(names) if names else "ingen roll"
