"""Exactly once: 1 000 due timers, three scheduler processes, one killed mid-sweep and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

import engine
from engine.schema import events, timers
from tests.conftest import make_runtime, read_scenario

CASES = 1000
START = engine.to_datetime("2016-01-01T09:00")
SIF = Path(sys.executable).parent / "sif"


def spawn(db_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SIF_DATABASE_URL": db_url, "SIF_CLOCK": "virtual"}
    command = [str(SIF), "scheduler", "--interval", "0.2", "--batch", "20", "--lease", "3"]
    quiet = subprocess.DEVNULL
    return subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_every_timer_fires_exactly_once_despite_a_killed_scheduler(db_url: str) -> None:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, START)
    engine.deploy(rt, read_scenario("timer_catch"), "admin")
    engine.add_user(rt, "clerk", ["clerk"])
    for _ in range(CASES):
        engine.start_case(rt, "timer_catch", "clerk")
    engine.set_virtual_time(rt.db, START + timedelta(hours=2))

    def scalar(query: object) -> int:
        with rt.db.reading() as conn:
            return int(conn.execute(query).scalar() or 0)  # type: ignore[call-overload]

    waiting = select(func.count()).where(timers.c.state == "waiting")
    procs = [spawn(db_url) for _ in range(3)]
    victim = procs[0]
    leased_by_victim = select(func.count()).where(timers.c.lease_owner.like(f"%:{victim.pid}:%"))
    try:
        wait_for(lambda: scalar(leased_by_victim) > 0, 60, "the first scheduler to claim timers")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        procs[0] = spawn(db_url)
        wait_for(lambda: scalar(waiting) == 0, 240, "every timer to fire")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)

    fired = select(events.c.case_id, func.count()).where(events.c.kind == "timer_fired")
    with rt.db.reading() as conn:
        per_case = {r[0]: r[1] for r in conn.execute(fired.group_by(events.c.case_id))}
        by_state = select(timers.c.state, func.count()).group_by(timers.c.state)
        states = {r[0]: r[1] for r in conn.execute(by_state)}
    assert len(per_case) == CASES
    assert set(per_case.values()) == {1}
    assert states == {"fired": CASES}
    assert engine.list_cases(rt, status="running").total == CASES  # each now awaits follow_up
    rt.close()
