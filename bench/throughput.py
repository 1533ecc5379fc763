"""Completed cases per second on PostgreSQL: through the HTTP API with two web nodes (gunicorn,
two workers each; `sif web`) against the same cases run through the engine in this one
process, side by side in one run. The ratio is what the web and the network cost.

The process is tests/data/due_dates: start, a clerk registers, a manager decides, done — three
steps, each its own transaction. Over HTTP, 8 client threads alternate between the nodes.
PostgreSQL runs in a throwaway cluster started here (tests/pgserver.py).
Run: .venv/bin/python bench/throughput.py [--cases 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine import Runtime, Settings  # noqa: E402
from tasks.store import MIGRATIONS as TASK_MIGRATIONS  # noqa: E402
from tests.conftest import read_scenario  # noqa: E402
from tests.nodes import Cluster, call  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402

REGISTER = {"title": "Ärende", "urgent": False}
DECIDE = {"approved": True}


def world(url: str) -> tuple[Runtime, dict[str, str]]:
    rt = Runtime.open(Settings(database_url=url))
    engine.migrate(rt.db, [TASK_MIGRATIONS])
    engine.deploy(rt, read_scenario("due_dates"), "bench")
    engine.add_user(rt, "clerk", ["clerk"])
    engine.add_user(rt, "boss", ["manager"])
    tokens = {name: engine.create_token(rt, name, "bench")[1] for name in ("clerk", "boss")}
    return rt, tokens


def in_process(rt: Runtime, cases: int) -> float:
    """Cases per second through the engine, one after another in this process."""
    start = time.perf_counter()
    for _ in range(cases):
        case = engine.start_case(rt, "due_dates", "clerk")
        [register] = case.open_tasks
        [decide] = engine.complete_task(rt, register.id, REGISTER, "clerk")
        assert engine.complete_task(rt, decide.id, DECIDE, "boss") == []
    return cases / (time.perf_counter() - start)


def over_http(cluster: Cluster, tokens: dict[str, str], cases: int) -> float:
    """Cases per second through the API, 8 client threads alternating between the nodes."""

    def one(n: int) -> None:
        base = cluster.bases[n % len(cluster.bases)]
        status, case = call(base, "POST", "/cases", tokens["clerk"], {"process_key": "due_dates"})
        assert status == 201, case
        [register] = case["open_tasks"]
        status, after = call(base, "POST", f"/tasks/{register['id']}/complete", tokens["clerk"],
                             {"data": REGISTER})  # fmt: skip
        assert status == 200, after
        [decide] = after["open_tasks"]
        status, done = call(base, "POST", f"/tasks/{decide['id']}/complete", tokens["boss"],
                            {"data": DECIDE})  # fmt: skip
        assert status == 200 and done["open_tasks"] == [], done

    start = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(cases)))
    return cases / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    server = PgServer()
    server.start()
    try:
        admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE bench"))
        admin.dispose()
        url = server.url("bench")
        rt, tokens = world(url)
        in_process(rt, 20)  # warm up: specs cached, connections open
        engine_rate = in_process(rt, args.cases)
        with Cluster(url, schedulers=0, clock="real") as cluster:
            over_http(cluster, tokens, 20)
            http_rate = over_http(cluster, tokens, args.cases)
        rt.close()
    finally:
        server.stop()
    print()
    print(f"{'':28}{'cases/s':>10}")
    print(f"{'engine, one process':28}{engine_rate:>10.1f}")
    print(f"{'HTTP API, 2 web nodes':28}{http_rate:>10.1f}")
    print(
        f"ratio engine / HTTP: {engine_rate / http_rate:.2f} (the cost of the web and the network)"
    )


if __name__ == "__main__":
    main()
