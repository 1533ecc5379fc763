"""``sif init --demo``: demo users and a case, created through the engine like any user would.

Until the fund process lands (processes/), the demo runs the review-loop example process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import engine
from engine import Runtime

EXAMPLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "review_loop"
DEMO_USERS = {
    "anna": ("Anna Sökande", ["applicant"]),
    "greta": ("Greta Granskare", ["reviewer"]),
    "admin": ("Administratör", ["admin"]),
}


def load_demo(rt: Runtime, say: Callable[[str], None]) -> None:
    """Create the demo users, deploy the example and take one case to its review step."""
    for name, (display, roles) in DEMO_USERS.items():
        engine.add_user(rt, name, roles, display, password=name)
    say(f"Demoanvändare: {', '.join(DEMO_USERS)} (lösenord = användarnamnet)")
    engine.deploy(rt, engine.read_bundle([EXAMPLE]), "admin")
    if engine.list_cases(rt, process_key="review_loop").total:
        say("Demoärendet finns redan.")
        return
    case = engine.start_case(rt, "review_loop", "anna")
    idea = {"title": "Läxhjälp i biblioteket", "amount": 800, "category": "prevention"}
    engine.complete_task(rt, case.open_tasks[0].id, idea, "anna")
    shown = engine.get_case(rt, case.id, with_data=False)
    say(f"Demoärende {shown.business_key}: {shown.stage} väntar på rollen reviewer.")
    say(f"Prova: sif tasks --user greta   och   sif case show {shown.business_key}")
