"""Swedish names for the codes administrators see: case stages (DOMAIN §3.3), event kinds,
boards (DOMAIN §9.1) and rule profiles (processes/profiles). Codes are for BPMN and data, never
for the screen."""

from __future__ import annotations

from functools import cache

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

from tasks.profiles import all_profiles

STAGE_NAMES: dict[str, LazyString] = {
    "idea_draft": _("Idé skrivs"),
    "idea_submitted": _("Idé inlämnad"),
    "idea_screening": _("Idéprövning"),
    "idea_rejected": _("Idén avslagen"),
    "idea_completion": _("Idén kompletteras"),
    "application_drafting": _("Ansökan skrivs"),
    "application_signing": _("Ansökan signeras"),
    "application_submitted": _("Ansökan inlämnad"),
    "under_review": _("Granskning"),
    "in_revision": _("Revidering"),
    "recommended": _("Rekommenderad"),
    "proposal": _("Förslag till beslut"),
    "committee": _("I utskottet"),
    "decision": _("Beslut i KS"),
    "rejected": _("Avslag"),
    "referred_back": _("Återremitterad"),
    "granted": _("Beviljad"),
    "setup": _("Uppstart"),
    "active": _("Investeringsfas"),
    "change_pending": _("Ändring väntar på beslut"),
    "evaluating": _("Utvärdering"),
    "assessed": _("Effektbedömd"),
    "awaiting_effects": _("Väntar på effekter"),
    "repayment_planned": _("Återföringsplan"),
    "repaying": _("Återföring"),
    "exempted": _("Befriad"),
    "written_down": _("Nedskriven"),
    "no_repayment": _("Ingen återföring"),
    "closing": _("Slutavstämning"),
    "implemented": _("Implementerad"),
    "discontinued": _("Avvecklad"),
    "closed": _("Avslutad"),
    "release_requested": _("Begäran om frigörande"),
    "portfolio_drafting": _("Portföljrapport skrivs"),
    "portfolio_reported": _("Portföljrapport till KS"),
}

#: What happened, by event kind (engine ``events.kind``), for timelines and exports.
EVENT_NAMES: dict[str, LazyString] = {
    "case_started": _("Ärendet startades"),
    "case_completed": _("Ärendet avslutades"),
    "case_retried": _("Steget kördes om"),
    "case_suspended": _("Ärendet pausades"),
    "case_suspendd": _("Ärendet pausades"),  # how versions before 0.2 spelled it
    "case_resumed": _("Ärendet återupptogs"),
    "case_terminated": _("Ärendet avbröts"),
    "task_created": _("Uppgiften erbjöds"),
    "task_claimed": _("Uppgiften togs"),
    "task_unclaimed": _("Uppgiften släpptes"),
    "task_completed": _("Uppgiften slutfördes"),
    "task_cancelled": _("Uppgiften drogs tillbaka"),
    "timer_armed": _("En timer startade"),
    "timer_fired": _("En timer löste ut"),
    "timer_cancelled": _("En timer avbröts"),
    "message_received": _("Ett meddelande togs emot"),
    "incident": _("Ett fel inträffade"),
    "due_date_failed": _("Förfallodatum kunde inte beräknas"),
    "migrated": _("Ärendet flyttades till en ny processversion"),
}

BOARD_NAMES: dict[str, LazyString] = {
    "KS": _("Kommunstyrelsen"),
    "HU": _("Hållbarhetsutskottet"),
    "SN": _("Socialnämnden"),
    "UN": _("Utbildningsnämnden"),
    "KFN": _("Kultur- och fritidsnämnden"),
    "AMN": _("Arbetsmarknadsnämnden"),
}


def stage_name(code: str) -> str:
    """'Granskning' for ``under_review``; an unknown code is shown as 'Övrigt skede'."""
    if not code:
        return "–"
    return str(STAGE_NAMES.get(code) or gettext("Övrigt skede"))


def board_name(code: str) -> str:
    """'Socialnämnden (SN)'; a board Sif has no name for is shown by its code."""
    name = BOARD_NAMES.get(code)
    return f"{name} ({code})" if name else code


@cache
def _profile_names() -> dict[str, str]:
    return {key: profile.name for key, profile in all_profiles().items()}


def profile_name(key: str) -> str:
    """The rule profile's own name ('Södertälje 2015 (återföringsmodell)'), else its key."""
    return _profile_names().get(key, key) if key else "–"
