"""Moving running cases to a new version, per case, against completing a task, side by side.

N cases of the migration scenario (tests/data/migration) wait at their first task on
version 1; version 2 renames a later step, removes another and gives the first task to
another role, so every case can move. In one run, on SQLite:
  dry run:   engine.plan_migration over all N cases (each case's workflow read and judged);
  move:      engine.migrate_cases of all N, each case in its own transaction (lock, judge
             again, migrate the workflow, run to the next wait, rewrite tasks and timers, an
             audit event);
  complete:  engine.complete_task of the same first task on N other cases of version 1, the
             cost of one ordinary step, for scale.
Prints the milliseconds per case of each and the ratios to a completed task.
Run: .venv/bin/python bench/migrate.py [--cases 200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import engine
import tasks
from engine import Runtime, Settings

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "migration"
KEY = "case_flow"


def waiting_cases(rt: Runtime, count: int) -> list[engine.Case]:
    return [engine.start_case(rt, KEY, "clerk", {}) for _ in range(count)]


def per_case_ms(start: float, count: int) -> float:
    return (time.perf_counter() - start) * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rt = tasks.install(Runtime.open(Settings(database_url=f"sqlite:///{tmp}/bench.db")))
        engine.migrate(rt.db)
        for name, roles in {"clerk": ["clerk"], "boss": ["manager"]}.items():
            engine.add_user(rt, name, roles)
        engine.deploy(rt, engine.read_bundle([DATA / "v1"]), "owner")
        moving = waiting_cases(rt, args.cases)
        stepping = waiting_cases(rt, args.cases)
        engine.deploy(rt, engine.read_bundle([DATA / "v2"]), "owner")

        start = time.perf_counter()
        for case in stepping:
            engine.complete_task(rt, case.open_tasks[0].id, {"note": "klart"}, "clerk")
        complete = per_case_ms(start, args.cases)

        keys = [case.business_key for case in moving]
        start = time.perf_counter()
        plan = engine.plan_migration(rt, KEY, 1, 2, keys)
        dry = per_case_ms(start, args.cases)
        assert sum(1 for move in plan.cases if move.movable) == args.cases

        start = time.perf_counter()
        result = engine.migrate_cases(rt, KEY, 1, 2, keys, "boss")
        move = per_case_ms(start, args.cases)
        assert len(result.moved) == args.cases and not result.refused
        rt.close()
    print(f"{args.cases} cases, SQLite, ms per case:")
    print(f"  complete a task:  {complete:6.2f}")
    print(f"  dry run:          {dry:6.2f}   ratio to a completed task {dry / complete:.2f}")
    print(f"  move:             {move:6.2f}   ratio to a completed task {move / complete:.2f}")


if __name__ == "__main__":
    main()
