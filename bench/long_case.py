"""What a case's age costs, side by side in one run, on SQLite: open + complete + save
(``engine.complete_task``), and the stored size of each case.

The old case is the demo's D (KAA, 2017–2025: three budget years, eleven report periods,
five repayment years). Four comparisons:

1. a step on D at its last repayment follow-up (January 2026) against a new case's first
   step (its applicant submitting the idea) — the issue's figure, and the strictest: the
   new case's lightest step against one of D's heaviest. The follow-up books the year's
   repayments in the ledger, ends the last repayment year and with it the repayment phase,
   and asks where the project's money stands; submitting the idea runs no engine task;
2. the same step at two ages: D's repayment follow-up in its first repayment year (January
   2022) against the one in its last (January 2026);
3. opening and saving alone (restoring the stored workflow and writing it again, no step):
   D in January 2026 against the new case;
4. D's last follow-up against the median step of a new case's first year (D's own steps of
   2017: idea, screening, application, consents, reviews, decisions, set-up, allocation).

Each is measured twice: as Sif stores cases (what has finished pruned, engine.bpmn.prune)
and as SpiffWorkflow keeps them (`SIF_KEEP_FINISHED_SUBPROCESSES=1`), to show what pruning
buys. Each sample completes the same task on a fresh copy of the prepared database, in a
process that has done it once already (as a running web worker has); the two sides of a
comparison take turns, so both see the machine as it is.
Targets: ratio old/new <= 2, old case stored <= 100 KiB.
Run: .venv/bin/python bench/long_case.py [--samples 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine import Runtime  # noqa: E402
from engine.bpmn.store import dump_workflow, load_spec, load_workflow  # noqa: E402
from engine.schema import cases, definitions  # noqa: E402
from tasks.store import MIGRATIONS as TASK_MIGRATIONS  # noqa: E402
from tests.conftest import make_runtime  # noqa: E402
from tests.integration.fund import fund_runtime  # noqa: E402
from web.demo.cases import CASE_D  # noqa: E402
from web.demo.cases import form as sample_form  # noqa: E402
from web.demo.replay import Timeline, replay  # noqa: E402

LAST = "2026-01-20"  # D's last repayment follow-up
FIRST = "2022-01-20"  # its first
NEW_UNTIL = "2018-01-20"  # D's first year, as a new case: idea, application, decision, set-up


def _runtime(path: Path, prune: bool, fresh: bool = False) -> Runtime:
    """The fund world on ``path`` (``fresh``: create its people and fund first)."""
    url = f"sqlite:///{path}"
    rt = fund_runtime(url) if fresh else make_runtime(url, clock="virtual")
    return replace(rt, settings=replace(rt.settings, prune_finished=prune))


def prepare(folder: Path, prune: bool, until: str = LAST) -> tuple[Path, int, int]:
    """A database with D waiting at its repayment follow-up of ``until`` and a new case
    waiting for its idea; the path and the two case ids."""
    path = folder / f"prepared-{'pruned' if prune else 'kept'}-{until}.db"
    database = engine.Database(f"sqlite:///{path}")
    engine.migrate(database, [TASK_MIGRATIONS])
    database.dispose()
    rt = _runtime(path, prune, fresh=True)
    steps = [s for s in CASE_D.steps if s.on < until]
    old = replay(rt, [replace(CASE_D, steps=steps)])["D"]
    new = engine.start_case(rt, "social_investment_case", "nora.falk",
                            {"project": "N", "fund": "SIF-DEMO"}).id  # fmt: skip
    engine.advance_clock(rt, engine.to_datetime(until + "T10:00"), "bench")
    rt.close()
    return path, old, new


def prepare_fund(folder: Path, prune: bool) -> Path:
    """A database holding the fund world only (its people and fund), before D starts."""
    path = folder / f"prepared-{'pruned' if prune else 'kept'}-fund.db"
    database = engine.Database(f"sqlite:///{path}")
    engine.migrate(database, [TASK_MIGRATIONS])
    database.dispose()
    _runtime(path, prune, fresh=True).close()
    return path


def stored_bytes(path: Path, case_id: int) -> int:
    database = engine.Database(f"sqlite:///{path}")
    with database.reading() as conn:
        text = conn.execute(select(cases.c.workflow).where(cases.c.id == case_id)).scalar_one()
    database.dispose()
    return len(text.encode())


@dataclass(frozen=True)
class Sample:
    """A task to complete on a case of a prepared database, with the data and the user."""

    prepared: Path
    case_id: int
    element: str
    data: dict[str, object]
    user: str

    def measure(self, rt: Runtime) -> float:
        """Seconds that completing the task takes."""
        [task] = [t for t in engine.get_case(rt, self.case_id, with_data=False).open_tasks
                  if t.element_id == self.element]  # fmt: skip
        start = time.perf_counter()
        engine.complete_task(rt, task.id, dict(self.data), self.user)
        return time.perf_counter() - start


@dataclass(frozen=True)
class FirstYear:
    """A new case's first year of steps, played on a prepared database holding its fund."""

    prepared: Path
    timeline: Timeline

    def measure(self, rt: Runtime) -> float:
        """The median seconds of the year's steps (each an ``engine.complete_task``); starting
        the case and moving the clock between the steps are not counted."""
        took: list[float] = []
        complete = engine.complete_task

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return complete(*args, **kwargs)
            finally:
                took.append(time.perf_counter() - start)

        engine.complete_task = timed  # what web.demo.replay calls
        try:
            replay(rt, [self.timeline])
        finally:
            engine.complete_task = complete
        return statistics.median(took)


def paired_ms(young: Sample | FirstYear, old: Sample, prune: bool, samples: int,
              folder: Path) -> tuple[float, float, float]:  # fmt: skip
    """Median milliseconds of each side's step on a fresh copy of its database, and the
    median of the turns' ratios (old / young). The two take turns, so both see the machine
    as it is, and the ratio of each turn's pair is robust to a busy moment that slows both;
    each runs in a warm runtime as a web worker is (its compiled queries cached): the first
    turn is not counted, and the database file is put back before every turn."""
    pairs = [(s, folder / f"sample-{i}.db") for i, s in enumerate((young, old))]
    runtimes = []
    for sample, copy in pairs:
        shutil.copy(sample.prepared, copy)
        runtimes.append(_runtime(copy, prune))
    times: tuple[list[float], list[float]] = ([], [])
    for turn in range(samples + 1):
        for (sample, copy), rt, took in zip(pairs, runtimes, times, strict=True):
            rt.db.dispose()  # no connection keeps the file that is now replaced
            shutil.copy(sample.prepared, copy)
            seconds = sample.measure(rt)
            if turn:
                took.append(seconds)
    for rt in runtimes:
        rt.close()
    ratios = [o / y for y, o in zip(*times, strict=True)]
    return (statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000,
            statistics.median(ratios))  # fmt: skip


def open_save_ms(prepared: Path, case_id: int, samples: int) -> float:
    """Median milliseconds of restoring a case's stored workflow and writing it again."""
    database = engine.Database(f"sqlite:///{prepared}")
    with database.reading() as conn:
        text, spec = conn.execute(
            select(cases.c.workflow, definitions.c.spec)
            .join(definitions, definitions.c.id == cases.c.definition_id)
            .where(cases.c.id == case_id)
        ).one()
    database.dispose()
    compiled = load_spec(spec)
    times = []
    for _ in range(samples + 1):
        start = time.perf_counter()
        dump_workflow(load_workflow(text, compiled))
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    last, first = (next(s for s in CASE_D.steps if s.on == day) for day in (LAST, FIRST))
    idea = ("submit_idea", sample_form("idea"), "nora.falk")
    rows: list[tuple[str, str, float, float, float, int, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for prune in (True, False):
            how = "pruned" if prune else "kept"
            print(f"preparing: {how} …", flush=True)
            prepared, old, new = prepare(folder, prune)
            younger, young, _ = prepare(folder, prune, FIRST)

            sizes = stored_bytes(prepared, new), stored_bytes(prepared, old)
            at_last = Sample(prepared, old, last.element, dict(last.data), last.user)
            new_case = Sample(prepared, new, *idea)
            at_first = Sample(younger, young, first.element, dict(first.data), first.user)
            turns = (prune, args.samples, folder)
            rows.append(("1 new case's first step vs D's last follow-up", how,
                         *paired_ms(new_case, at_last, *turns), *sizes))  # fmt: skip
            first_year = FirstYear(prepare_fund(folder, prune), replace(
                CASE_D, steps=[s for s in CASE_D.steps if s.on < NEW_UNTIL]))  # fmt: skip
            rows.append(("4 median first-year step vs D's last follow-up", how,
                         *paired_ms(first_year, at_last, *turns), sizes[0], sizes[1]))  # fmt: skip
            rows.append(("2 D's follow-up, first year vs last year", how,
                         *paired_ms(at_first, at_last, *turns),
                         stored_bytes(younger, young), sizes[1]))  # fmt: skip
            alone = (
                open_save_ms(prepared, new, args.samples),
                open_save_ms(prepared, old, args.samples),
            )
            rows.append(("3 open + save alone, new case vs D", how, *alone,
                         alone[1] / alone[0], *sizes))  # fmt: skip
    print()
    print(f"{'':48}{'':8}{'young':>10}{'old':>10}{'ratio':>7}{'young':>11}{'old':>11}")
    for what, how, young_ms, old_ms, ratio, young_b, old_b in sorted(rows):
        print(f"{what:48}{how:8}{young_ms:>7.1f} ms{old_ms:>7.1f} ms{ratio:>7.2f}"
              f"{young_b / 1024:>7.1f} KiB{old_b / 1024:>7.1f} KiB")  # fmt: skip
    print("ratio: comparisons 1, 2 and 4, the median of the turns' ratios; 3, of the medians")
    print("targets: ratio <= 2, the old case stored <= 100 KiB")


if __name__ == "__main__":
    main()
