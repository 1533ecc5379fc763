"""The migration scenario (``tests/data/migration``) for the migration tests: version 1
registers, waits a day, reviews, asks for more and decides. Version 2 renames the review,
removes the step that asks for more and gives registration to the manager; version 3 only
waits two days instead of one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

import engine
from engine import Runtime
from engine.schema import cases
from tests.conftest import make_runtime, read_scenario

START = engine.to_datetime("2016-01-01T09:00")
STEPS = ["register", "wait_day", "review", "complete", "decide"]


def scenario_runtime(db_url: str) -> Runtime:
    """A virtual-clock runtime at ``START`` with the scenario's people and version 1."""
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, START)
    people = {"clerk": ["clerk"], "boss": ["manager"], "owner": ["process_owner"]}
    for name, roles in people.items():
        engine.add_user(rt, name, roles)
    engine.deploy(rt, read_scenario("migration/v1"), "owner")
    return rt


def do(rt: Runtime, case_id: int, element: str) -> None:
    """Complete the case's open task at ``element`` as whoever may."""
    [task] = [t for t in open_tasks(rt, case_id) if t.element_id == element]
    user = "boss" if "manager" in task.roles else "clerk"
    engine.complete_task(rt, task.id, {"note": f"klart: {element}"}, user)


def open_tasks(rt: Runtime, case_id: int) -> list[engine.HumanTask]:
    return engine.get_case(rt, case_id, with_data=False).open_tasks


def case_at_each_step(rt: Runtime) -> dict[str, engine.Case]:
    """One case waiting at each step of version 1 (the timer one waiting for its day)."""
    started = {at: engine.start_case(rt, "case_flow", "clerk", {"title": f"Vid {at}"})
               for at in STEPS}  # fmt: skip
    for at in STEPS[2:]:
        do(rt, started[at].id, "register")
    engine.set_virtual_time(rt.db, START + timedelta(days=1, hours=1))
    assert engine.sweep(rt, "test").fired == 3
    do(rt, started["wait_day"].id, "register")
    for at in STEPS[3:]:
        do(rt, started[at].id, "review")
    do(rt, started["decide"].id, "complete")
    return {at: engine.get_case(rt, c.id, with_data=False) for at, c in started.items()}


def stored(rt: Runtime, case_id: int) -> Any:
    with rt.db.reading() as conn:
        return conn.execute(select(cases).where(cases.c.id == case_id)).one()


def run_to_end(rt: Runtime, case_id: int) -> list[str]:
    """Complete every task the case offers until it ends; the elements done, in order."""
    done: list[str] = []
    for _ in range(3):  # timers are due within three days
        engine.set_virtual_time(rt.db, rt.clock.now() + timedelta(days=3))
        engine.sweep(rt, "test")
        while tasks := open_tasks(rt, case_id):
            done.append(tasks[0].element_id)
            do(rt, case_id, tasks[0].element_id)
    assert engine.get_case(rt, case_id, with_data=False).status == "completed"
    return done
