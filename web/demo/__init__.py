"""``sif init --demo``: the DOMAIN §9 people and fund, and the demo cases replayed through the
engine on a virtual clock (every task completed by the right person, timers fired on the
way; no rows written behind the engine's back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import engine
from engine import Runtime, VirtualClock
from tasks.store import create_fund, set_council_meetings
from web.demo.cases import CASES
from web.demo.live import LIVE
from web.demo.people import (
    COUNCIL_MEETINGS,
    DEMO_USERS,
    FUND_CAPITAL_TKR,
    FUND_CODE,
    FUND_ESTABLISHED,
    FUND_NAME,
    FUND_PROFILE,
    demo_email,
)
from web.demo.replay import replay
from web.roles import role_name

DEMO_START = "2015-01-01"


def load_demo(rt: Runtime, say: Callable[[str], None]) -> None:
    """Users, the fund, cases A–E and the live cases F–H; does nothing if the demo cases are
    there already. Ends by saying how to sign in as each demo person."""
    if engine.list_cases(rt, process_key="social_investment_case").total:
        say("Demodata finns redan.")
    else:
        _load(rt, say)
    for line in sign_in_help(rt):
        say(line)


def sign_in_help(rt: Runtime) -> list[str]:
    """One line per demo person: user name (also the password), name, roles, open tasks."""
    lines = ["Logga in som någon av dessa (lösenordet är användarnamnet):"]
    for name, (display, roles) in DEMO_USERS.items():
        waiting = engine.open_task_count(rt, name)
        tasks = f" – {waiting} uppgift(er) i inkorgen" if waiting else ""
        titles = ", ".join(role_name(r) for r in roles)
        lines.append(f"  {name:<13} {display:<18} {titles}{tasks}")
    return lines


def _load(rt: Runtime, say: Callable[[str], None]) -> None:
    for name, (display, roles) in DEMO_USERS.items():
        engine.add_user(rt, name, roles, display, password=name, email=demo_email(name))
    say(f"{len(DEMO_USERS)} demoanvändare (lösenord = användarnamnet).")
    virtual = replace(rt, clock=VirtualClock(rt.db))
    engine.set_virtual_time(rt.db, engine.to_datetime(DEMO_START), allow_backwards=True)
    with rt.db.transaction() as conn:
        create_fund(
            conn, FUND_CODE, FUND_NAME, FUND_PROFILE, FUND_ESTABLISHED, FUND_CAPITAL_TKR,
            "admin", virtual.clock.now(conn),
        )  # fmt: skip
        set_council_meetings(conn, FUND_CODE, COUNCIL_MEETINGS)
    say(f"Fonden {FUND_CODE} ({FUND_PROFILE}), {FUND_CAPITAL_TKR} tkr.")
    replay(virtual, CASES, say)
    replay(virtual, LIVE, say)
    say("Prova: sif cases   och   sif fund report --code SIF-DEMO")
