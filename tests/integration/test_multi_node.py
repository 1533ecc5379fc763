"""Several nodes on one PostgreSQL, as production runs them but without Docker: two web nodes
(gunicorn, two workers each) and two schedulers. Cases of a process with a timer are started
and completed over HTTP, alternating between the web nodes, while the virtual clock moves so
the timers fall due: every case ends, every timer fires exactly once, no request gets a 5xx.
Then the same with one scheduler killed (SIGKILL) in the middle of its work."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

import engine
from engine import Runtime
from engine.schema import cases, events, timers
from tests.conftest import make_runtime, read_scenario
from tests.nodes import Cluster, call

CASES = 200
T0 = engine.to_datetime("2026-03-02T09:00")


def _world(url: str) -> tuple[Runtime, str]:
    rt = make_runtime(url, clock="virtual")
    engine.set_virtual_time(rt.db, T0)
    engine.deploy(rt, read_scenario("timer_catch"), "admin")
    engine.add_user(rt, "klara", {"clerk"}, "Klara")
    _, token = engine.create_token(rt, "klara", "nodes")
    return rt, token


def _fired(rt: Runtime, ids: list[int]) -> int:
    with rt.db.reading() as conn:
        return int(conn.execute(
            select(func.count()).select_from(timers)
            .where(timers.c.case_id.in_(ids), timers.c.state == "fired")
        ).scalar_one())  # fmt: skip


def _wait_for(check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.25)


def _round(
    rt: Runtime, cluster: Cluster, token: str, hours: int, during: Callable[[list[int]], None]
) -> list[int]:
    """Start CASES cases over HTTP, move the clock past their timers, let ``during`` act while
    they fire, then complete every follow-up over HTTP; the case ids."""
    statuses: list[int] = []

    def start(n: int) -> int:
        status, body = call(cluster.bases[n % 2], "POST", "/cases", token,
                            {"process_key": "timer_catch", "data": {"n": n}})  # fmt: skip
        statuses.append(status)
        assert status == 201, body
        return int(body["id"])

    def complete(n_case: tuple[int, int]) -> None:
        n, case_id = n_case
        base = cluster.bases[n % 2]
        status, detail = call(base, "GET", f"/cases/{case_id}", token)
        statuses.append(status)
        [task] = detail["open_tasks"]
        statuses.append(call(base, "POST", f"/tasks/{task['id']}/claim", token)[0])
        status, _ = call(
            base, "POST", f"/tasks/{task['id']}/complete", token, {"data": {"done": True}}
        )
        statuses.append(status)

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(start, range(CASES)))
        engine.set_virtual_time(rt.db, T0 + timedelta(hours=hours))
        during(ids)
        _wait_for(lambda: _fired(rt, ids) == CASES, 180)
        list(pool.map(complete, enumerate(ids)))
    assert all(s < 500 for s in statuses) and set(statuses) <= {200, 201}, sorted(set(statuses))
    return ids


def _assert_each_fired_once_and_ended(rt: Runtime, ids: list[int]) -> None:
    with rt.db.reading() as conn:
        ended = conn.execute(
            select(func.count()).select_from(cases)
            .where(cases.c.id.in_(ids), cases.c.status == "completed")
        ).scalar_one()  # fmt: skip
        fired = conn.execute(
            select(timers.c.fired_count).where(timers.c.case_id.in_(ids))
        ).scalars().all()  # fmt: skip
        fired_events = conn.execute(
            select(events.c.case_id, func.count())
            .where(events.c.case_id.in_(ids), events.c.kind == "timer_fired")
            .group_by(events.c.case_id)
        ).all()  # fmt: skip
    assert ended == len(ids)
    assert sorted(fired) == [1] * len(ids)
    assert len(fired_events) == len(ids) and {n for _, n in fired_events} == {1}


def test_two_web_nodes_and_two_schedulers_run_every_case_once(pg_url: str) -> None:
    rt, token = _world(pg_url)
    try:
        with Cluster(pg_url) as cluster:
            ids = _round(rt, cluster, token, hours=2, during=lambda _: None)
            _assert_each_fired_once_and_ended(rt, ids)

            def kill_one_mid_sweep(round_ids: list[int]) -> None:
                cluster.pause_scheduler(1)  # scheduler 0 alone starts on the due timers …
                _wait_for(lambda: _fired(rt, round_ids) > 0, 60)
                cluster.kill_scheduler(0)  # … and dies with timers claimed and unfired
                assert _fired(rt, round_ids) < CASES
                cluster.pause_scheduler(1, pause=False)  # the other takes them after the lease

            again = _round(rt, cluster, token, hours=4, during=kill_one_mid_sweep)
            _assert_each_fired_once_and_ended(rt, again)
    finally:
        rt.close()
