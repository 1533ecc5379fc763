"""A timer armed by another process fires at its time, not at the scheduler's next sweep: on
PostgreSQL the save that arms it notifies the listening schedulers, on SQLite each scheduler
asks every second for the earliest due time. Here the sweep interval is ten minutes, so a
timer of two seconds that fires within a few seconds was woken for."""

from __future__ import annotations

import time

from sqlalchemy import select

import engine
from engine.schema import timers
from tests.conftest import make_runtime
from tests.nodes import timer_scenario

SWEEP_EVERY = 600.0  # seconds: far longer than the test waits


def test_a_timer_armed_elsewhere_wakes_the_scheduler(db_url: str) -> None:
    scheduler_side = make_runtime(db_url)  # the scheduler's process
    web_side = make_runtime(db_url)  # another process: the one that starts the case
    ticker = engine.Scheduler(scheduler_side, interval=SWEEP_EVERY)
    try:
        engine.deploy(web_side, timer_scenario(2), "admin")
        engine.add_user(web_side, "anna", {"council"}, "Anna")
        ticker.start()  # its first sweep finds nothing; the next is ten minutes away
        time.sleep(1.5)
        case = engine.start_case(web_side, "timer_catch", "anna")
        deadline = time.monotonic() + 12
        state = "waiting"
        while time.monotonic() < deadline and state == "waiting":
            time.sleep(0.2)
            with web_side.db.reading() as conn:
                state = conn.execute(
                    select(timers.c.state).where(timers.c.case_id == case.id)
                ).scalar_one()
        assert state == "fired"
        [task] = engine.get_case(web_side, case.id, with_data=False).open_tasks
        assert task.element_id == "follow_up"
    finally:
        ticker.stop()
        scheduler_side.close()
        web_side.close()
