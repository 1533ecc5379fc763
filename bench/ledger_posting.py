"""A repayment posted in a young fund (one project) against the same posting in a fund ten
years on (100 projects, each with its grant, five allocations, a plan and repayments), side
by side in one run, on SQLite: ``tasks.store.post`` (read what the check needs, check, store),
each sample in a transaction that is rolled back.

Also, for comparison, what the same posting cost when every posting read the whole fund's
ledger (``load_ledger`` of the fund, then the check). Target: flat in the fund's size.
Run: .venv/bin/python bench/ledger_posting.py [--samples 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from tasks.ledger import Decision, Kind, Tx  # noqa: E402
from tasks.store import MIGRATIONS as TASK_MIGRATIONS  # noqa: E402
from tasks.store import PlanVersion, create_fund, decide_plan, load_ledger, post  # noqa: E402

NOW = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
FUND = "BENCH"


def fund_of(path: Path, projects: int) -> engine.Database:
    """A fund with ``projects`` projects, each granted 1 000 tkr in 2016, allocated 200 tkr a
    year for five years, on a plan of 5 × 150 tkr and repaid for three of those years."""
    database = engine.Database(f"sqlite:///{path}")
    engine.migrate(database, [TASK_MIGRATIONS])
    decision = engine.to_datetime("2016-01-10T10:00")
    with database.transaction() as conn:
        create_fund(conn, FUND, "Bänk", "sodertalje_2015", date(2016, 1, 1), 10**7, "b", NOW)
        for n in range(projects):
            name = f"P{n}"
            grant = Tx(Kind.GRANT_COMMITMENT, 1000, date(2016, 2, 1), name)
            post(conn, grant, "b", NOW, None, FUND)
            for year in range(2016, 2021):
                allocation = Tx(Kind.ALLOCATION, 200, date(year, 3, 1), name, year)
                post(conn, allocation, "b", NOW, None, FUND)
            lines = tuple((year, "SN", 150) for year in range(2021, 2026))
            decided = Decision("ks", date(2020, 6, 15), "§1")
            decide_plan(conn, PlanVersion(name, lines, decided, "b", decision), FUND)
            for year in range(2021, 2024):
                repaid = Tx(Kind.REPAYMENT, 150, date(year, 12, 31), name, year, "SN")
                post(conn, repaid, "b", NOW, None, FUND)
    return database


def median_ms(
    database: engine.Database, samples: int, posting: Callable[[Connection], object]
) -> float:
    times = []
    for _ in range(samples + 1):
        with database.engine.connect() as conn:
            transaction = conn.begin()
            start = time.perf_counter()
            posting(conn)
            times.append(time.perf_counter() - start)
            transaction.rollback()
    return statistics.median(times[1:]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    repayment = Tx(Kind.REPAYMENT, 150, date(2024, 12, 31), "P0", 2024, "SN")

    def now(conn: Connection) -> object:
        post(conn, repayment, "b", NOW, None, FUND)
        return None

    def whole_fund(conn: Connection) -> object:  # every posting read the whole fund's ledger
        load_ledger(conn, FUND).post(repayment)
        return None

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for projects in (1, 100):
            print(f"preparing a fund with {projects} project(s) …", flush=True)
            database = fund_of(Path(tmp) / f"fund-{projects}.db", projects)
            rows.append((projects, median_ms(database, args.samples, now),
                         median_ms(database, args.samples, whole_fund)))  # fmt: skip
            database.dispose()
    print()
    print(f"{'projects':>9}{'post now':>12}{'whole fund read':>18}")
    for projects, post_ms, whole_ms in rows:
        print(f"{projects:>9}{post_ms:>9.2f} ms{whole_ms:>15.2f} ms")
    (_, young, young_whole), (_, old, old_whole) = rows
    print(
        f"ratio 100 projects / 1: post now {old / young:.2f}, whole fund read "
        f"{old_whole / young_whole:.2f}  (target: flat)"
    )


if __name__ == "__main__":
    main()
