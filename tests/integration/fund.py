"""A runtime with the fund process deployed, the DOMAIN §9.1 people and a demo fund: what the
tests of the fund process start from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import engine
from engine import Runtime
from tasks.store import create_fund, set_council_meetings
from tests.conftest import make_runtime
from web.demo.people import COUNCIL_MEETINGS, DEMO_USERS

ROOT = Path(__file__).resolve().parents[2]


def fund_runtime(
    db_url: str,
    profile: str = "sodertalje_2015",
    now: str = "2015-01-01",
    fund: str = "SIF-DEMO",
    capital: int = 24000,
) -> Runtime:
    """A virtual-clock runtime at ``now`` with the fund ``fund`` under ``profile``."""
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, engine.to_datetime(now))
    for name, (display, roles) in DEMO_USERS.items():
        engine.add_user(rt, name, roles, display)
    with rt.db.transaction() as conn:
        create_fund(conn, fund, "Demo", profile, date(2013, 6, 1), capital, "admin",
                    rt.clock.now(conn))  # fmt: skip
        set_council_meetings(conn, fund, COUNCIL_MEETINGS)
    engine.deploy(rt, engine.read_bundle([ROOT / "processes", ROOT / "forms"]), "admin")
    return rt


def offered(rt: Runtime, case_id: int) -> list[str]:
    """The element ids of the case's open tasks, sorted."""
    return sorted(t.element_id for t in engine.get_case(rt, case_id, with_data=False).open_tasks)


def open_task(rt: Runtime, case_id: int, element: str) -> engine.HumanTask:
    """The case's one open task at ``element``."""
    [task] = [t for t in engine.get_case(rt, case_id, with_data=False).open_tasks
              if t.element_id == element]  # fmt: skip
    return task


def complete(rt: Runtime, case_id: int, element: str, user: str, data: dict[str, object]) -> None:
    """Complete the case's open task at ``element`` as ``user``."""
    engine.complete_task(rt, open_task(rt, case_id, element).id, data, user)
