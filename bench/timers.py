"""Timer sweeps at scale, on SQLite and PostgreSQL, side by side.

For each database: 1 000 real cases each wait on a timer (armed through the engine), plus
99 000 more pending timers due years later (bulk rows; a sweep only ever looks at due ones).
Measured:
  idle sweep:  median time of a sweep that finds nothing due, at 1 000 and at 100 000 pending
               (target: flat, an index lookup; the query plan is printed);
  fire all:    time for one process to fire the 1 000 due timers (target: <= 10 s), and on
               PostgreSQL for two scheduler processes sharing them (target: <= 5 s);
  lag:         for timers of a few seconds armed by this process while a `sif scheduler`
               (sweeping only every 10 minutes) runs in another, how late each fired:
               p50, p95 and max (target: p95 <= 2 s).
PostgreSQL runs in a throwaway cluster started here (tests/pgserver.py).
Run: .venv/bin/python bench/timers.py [--due 1000] [--pending 100000] [--lag-timers 20]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine import Runtime, Settings  # noqa: E402
from engine.schema import cases, timers  # noqa: E402
from engine.timers import claim_due  # noqa: E402
from tests.nodes import Cluster, timer_scenario  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402

T0 = engine.to_datetime("2016-01-01T09:00")
SCENARIO = ROOT / "tests" / "data" / "timer_catch"


def prepare(url: str, due: int) -> Runtime:
    rt = Runtime.open(Settings(database_url=url, clock="virtual"))
    engine.migrate(rt.db)
    engine.set_virtual_time(rt.db, T0)
    engine.deploy(rt, engine.read_bundle([SCENARIO]), "bench")
    engine.add_user(rt, "clerk", ["clerk"])
    for i in range(due):
        engine.start_case(rt, "timer_catch", "clerk")
        if i % 250 == 249:
            print(f"  {i + 1} cases started", flush=True)
    return rt


def add_far_timers(rt: Runtime, count: int) -> None:
    """Pending timers due years from now, spread over the existing cases."""
    with rt.db.transaction() as conn:
        case_ids = list(conn.execute(select(cases.c.id)).scalars())
        far = T0 + timedelta(days=3650)
        rows = [
            {"case_id": case_ids[i % len(case_ids)], "task_id": str(uuid.uuid4()),
             "element_id": "far", "name": "Långt fram", "kind": "date", "position": "catch",
             "state": "waiting", "due_at": far + timedelta(minutes=i), "fired_count": 0,
             "created_at": T0, "updated_at": T0}
            for i in range(count)
        ]  # fmt: skip
        for start in range(0, len(rows), 5000):
            conn.execute(insert(timers), rows[start : start + 5000])


def idle_sweep_ms(rt: Runtime, runs: int = 200) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        assert claim_due(rt, "bench") == []
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def plan(rt: Runtime) -> str:
    now = T0.isoformat(sep=" ")
    sql = (
        "SELECT id FROM timers WHERE state = 'waiting' AND due_at <= '" + now + "' "
        "ORDER BY due_at LIMIT 100"
    )
    prefix = "EXPLAIN QUERY PLAN " if rt.db.is_sqlite else "EXPLAIN "
    with rt.db.reading() as conn:
        rows = conn.execute(text(prefix + sql)).all()
    return " | ".join(str(r[-1]) for r in rows)


_worker_rt: list[Runtime] = []


def _open_runtime(url: str) -> None:
    """A pool process's start: imports and its runtime, before the clock starts."""
    _worker_rt.append(Runtime.open(Settings(database_url=url, clock="virtual")))


def _sweep_timed(_: int) -> tuple[int, float, float]:
    rt = _worker_rt[0]
    start = time.time()
    fired = engine.sweep(rt, f"bench-{os.getpid()}").fired
    return fired, start, time.time()


def fire_shared(url: str, due: int, processes: int = 2) -> float:
    """Seconds from the first scheduler process starting its sweep to the last one ending,
    ``processes`` of them (each its own process, started and warmed up first)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_open_runtime, initargs=(url,)) as pool:
        pool.map(time.sleep, [0.5] * processes)  # every process has started
        runs = pool.map(_sweep_timed, range(processes), chunksize=1)
    fired = [r[0] for r in runs]
    assert sum(fired) == due, fired
    print(f"  {processes} schedulers fired {fired}")
    return max(r[2] for r in runs) - min(r[1] for r in runs)


def lag(url: str, timers_count: int, seconds: int = 3) -> dict[str, float]:
    """How late timers of ``seconds`` fire when armed here and fired by a `sif scheduler` in
    another process whose sweep comes only every 10 minutes (so only the wake-up counts)."""
    rt = Runtime.open(Settings(database_url=url))
    engine.migrate(rt.db)
    engine.deploy(rt, timer_scenario(seconds), "bench")
    engine.add_user(rt, "lag", ["clerk"])
    try:
        with Cluster(url, webs=0, schedulers=1, interval=600, clock="real"):
            time.sleep(3)  # started, listening
            ids = []
            for _ in range(timers_count):
                ids.append(engine.start_case(rt, "timer_catch", "lag").id)
                time.sleep(0.5)
            time.sleep(seconds + 5)
        with rt.db.reading() as conn:
            rows = conn.execute(
                select(timers.c.due_at, timers.c.last_fired_at).where(timers.c.case_id.in_(ids))
            ).all()
    finally:
        rt.close()
    late = sorted(
        (engine.to_datetime(str(f)) - engine.to_datetime(str(d))).total_seconds()
        if f is not None else float("inf")
        for d, f in rows
    )  # fmt: skip
    return {"p50": statistics.median(late), "p95": late[int(0.95 * (len(late) - 1))],
            "max": late[-1]}  # fmt: skip


def run(
    label: str, url: str, due: int, pending: int, copy: Callable[[], None] | None = None
) -> dict[str, float]:
    """The idle sweeps and one process firing every due timer; ``copy`` (PostgreSQL) is
    called with the state ready to fire, before anything fires, to keep a copy of it."""
    print(f"{label}: preparing {due} cases …", flush=True)
    rt = prepare(url, due)
    idle_small = idle_sweep_ms(rt)
    add_far_timers(rt, pending - due)
    idle_large = idle_sweep_ms(rt)
    print(f"  plan: {plan(rt)}")
    engine.set_virtual_time(rt.db, T0 + timedelta(hours=2))
    rt.close()
    if copy is not None:
        copy()
    rt = Runtime.open(Settings(database_url=url, clock="virtual"))
    start = time.perf_counter()
    result = engine.sweep(rt, "bench")
    fire_all = time.perf_counter() - start
    assert result.fired == due, result
    rt.close()
    return {"idle_small": idle_small, "idle_large": idle_large, "fire_all": fire_all}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--lag-timers", type=int, default=20)
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    lags: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run("SQLite", f"sqlite:///{tmp}/timers.db", args.due, args.pending)
        lags["SQLite"] = lag(f"sqlite:///{tmp}/lag.db", args.lag_timers)
    server = PgServer()
    server.start()
    try:
        admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")

        def sql(statement: str) -> None:
            with admin.connect() as conn:
                conn.execute(text(statement))

        for name in ("bench", "lag"):
            sql(f"CREATE DATABASE {name}")
        results["PostgreSQL"] = run(
            "PostgreSQL", server.url("bench"), args.due, args.pending,
            copy=lambda: sql("CREATE DATABASE shared TEMPLATE bench"),
        )  # fmt: skip
        results["PostgreSQL"]["fire_shared"] = fire_shared(server.url("shared"), args.due)
        lags["PostgreSQL"] = lag(server.url("lag"), args.lag_timers)
        admin.dispose()
    finally:
        server.stop()
    print()
    print(f"{'':12}{'idle @' + str(args.due):>14}{'idle @' + str(args.pending):>16}"
          f"{'fire ' + str(args.due) + ' due':>16}{'2 schedulers':>15}")  # fmt: skip
    for name, r in results.items():
        shared = f"{r['fire_shared']:>13.2f} s" if "fire_shared" in r else f"{'–':>15}"
        print(f"{name:12}{r['idle_small']:>11.2f} ms{r['idle_large']:>13.2f} ms"
              f"{r['fire_all']:>14.2f} s{shared}")  # fmt: skip
    print()
    print(f"timer lag, {args.lag_timers} timers of 3 s armed by another process:")
    for name, found in lags.items():
        print(f"{name:12}p50 {found['p50']:.2f} s   p95 {found['p95']:.2f} s   "
              f"max {found['max']:.2f} s")  # fmt: skip
    print(
        "targets: idle flat in the number pending; fire all due <= 10 s (one), <= 5 s (two);"
        " lag p95 <= 2 s"
    )


if __name__ == "__main__":
    main()
