"""Timer sweeps at scale, on SQLite and PostgreSQL, side by side.

For each database: 1 000 real cases each wait on a timer (armed through the engine), plus
99 000 more pending timers due years later (bulk rows; a sweep only ever looks at due ones).
Measured:
  idle sweep:  median time of a sweep that finds nothing due, at 1 000 and at 100 000 pending
               (target: flat, an index lookup; the query plan is printed);
  fire all:    time for one process to fire the 1 000 due timers (target: <= 10 s).
PostgreSQL runs in a throwaway cluster started here (tests/pgserver.py).
Run: .venv/bin/python bench/timers.py [--due 1000] [--pending 100000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine import Runtime, Settings  # noqa: E402
from engine.schema import cases, timers  # noqa: E402
from engine.timers import claim_due  # noqa: E402
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


def run(label: str, url: str, due: int, pending: int) -> dict[str, float]:
    print(f"{label}: preparing {due} cases …", flush=True)
    rt = prepare(url, due)
    idle_small = idle_sweep_ms(rt)
    add_far_timers(rt, pending - due)
    idle_large = idle_sweep_ms(rt)
    print(f"  plan: {plan(rt)}")
    engine.set_virtual_time(rt.db, T0 + timedelta(hours=2))
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
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run("SQLite", f"sqlite:///{tmp}/timers.db", args.due, args.pending)
    server = PgServer()
    server.start()
    try:
        admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE bench"))
        admin.dispose()
        results["PostgreSQL"] = run("PostgreSQL", server.url("bench"), args.due, args.pending)
    finally:
        server.stop()
    print()
    print(f"{'':12}{'idle @' + str(args.due):>14}{'idle @' + str(args.pending):>16}"
          f"{'fire ' + str(args.due) + ' due':>16}")  # fmt: skip
    for name, r in results.items():
        print(f"{name:12}{r['idle_small']:>11.2f} ms{r['idle_large']:>13.2f} ms"
              f"{r['fire_all']:>14.2f} s")  # fmt: skip
    print("targets: idle flat in the number pending; fire all due <= 10 s")


if __name__ == "__main__":
    main()
