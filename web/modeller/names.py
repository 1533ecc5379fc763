"""Swedish names for the registered services and form rules, as the modeller offers them (the
code, which is what the BPMN stores, is shown beside the name). A service or rule registered
without a name here is offered by its code."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

SERVICE_NAMES: dict[str, LazyString] = {
    "fund.grant": _("Boka beviljade medel och reservation"),
    "fund.allocate": _("Boka ett års tilldelning"),
    "fund.return_unused": _("Återför ett års oanvända medel"),
    "fund.decide_plan": _("Boka beslutad återföringsplan"),
    "fund.repay": _("Boka ett års återföring"),
    "fund.relieve": _("Boka befrielse eller nedskrivning"),
    "fund.cancel_reservation": _("Avsluta en reservation"),
    "fund.release_reservation": _("Frigör reserverade medel"),
    "fund.balances": _("Hämta fondens och projektets saldon"),
    "fund.profile": _("Hämta fondens regelprofil"),
    "fund.portfolio": _("Sammanställ fondens portfölj vid årets slut"),
    "fund.project_money": _("Läs projektets pengar (befriat, avslutat, skuld)"),
    "fund.terminate": _("Avsluta projektet i förtid"),
    "fund.change_grant": _("Boka ett ändrat beviljat belopp"),
    "fund.project_end": _("Läs projektets beslutade slutdatum"),
    "fund.adjust_frames": _("Bokför slutliga ramjusteringar per nämnd"),
    "fund.archive": _("Stäng projektets huvudbok och arkivera lärdomarna"),
    "fund.council_meeting": _("Boka rådets nästa möte"),
    "fund.case_profile": _("Hämta ärendets regelprofil"),
    "notify.remind": _("Påminn den som har uppgiften"),
    "notify.escalate": _("Eskalera en försenad uppgift till en roll"),
}

RULE_NAMES: dict[str, LazyString] = {
    "fund.grant_within_available": _("Beviljat belopp ryms i fonden"),
    "fund.project_length": _("Projekttiden följer regelprofilen"),
    "fund.consents_given": _("Berörda nämnder har samtyckt"),
    "fund.revision_allowed": _("Fler kompletteringsrundor är tillåtna"),
    "fund.repayment_plan_valid": _("Återföringsplanen följer regelprofilen"),
    "fund.relief_within_outstanding": _("Befrielsen ryms i det som återstår"),
    "fund.reservation_decision_allowed": _("Reservationen kan beslutas"),
    "fund.change_allowed": _("Ändringen ryms i fonden och i projektets budgetår"),
    "fund.evaluator_as_profile": _("Extern utvärderare enligt regelprofilen"),
    "fund.final_adjustments_as_profile": _("Ramjusteringar enligt regelprofilen"),
    "fund.results_report_as_profile": _("Resultatrapport till KS enligt regelprofilen"),
    "fund.science_allowed": _("Vetenskaplig granskning enligt regelprofilen"),
}


def named(codes: Iterable[str], names: dict[str, LazyString]) -> list[dict[str, str]]:
    """Each code with its Swedish name and code ("Boka … (fund.grant)"), sorted by name."""
    found = [
        {"id": code, "name": f"{names[code]} ({code})" if code in names else code} for code in codes
    ]
    return sorted(found, key=lambda item: item["name"].casefold())
