"""A step on a case ten years old against a step on a new case of the same process, side by
side in one run, on SQLite: open + complete + save (``engine.complete_task``), and the stored
size of each case.

The old case is the demo's D (KAA, 2017–2025: three budget years, eleven report periods,
five repayment years) at its last repayment follow-up (January 2026); the new case is one
whose applicant is submitting its idea. The old case is measured twice: as Sif stores it
(finished subprocesses pruned, engine.bpmn.prune) and keeping every finished subprocess
(`SIF_KEEP_FINISHED_SUBPROCESSES=1`, SpiffWorkflow's own way), to show what pruning buys.
Each sample completes the same task on a fresh copy of the prepared database.
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
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine import Runtime  # noqa: E402
from engine.schema import cases  # noqa: E402
from tasks.store import MIGRATIONS as TASK_MIGRATIONS  # noqa: E402
from tests.conftest import make_runtime  # noqa: E402
from tests.integration.fund import fund_runtime  # noqa: E402
from web.demo.cases import CASE_D  # noqa: E402
from web.demo.cases import form as sample_form  # noqa: E402
from web.demo.replay import replay  # noqa: E402

LAST = "2026-01-20"  # D's last repayment follow-up


def _runtime(path: Path, prune: bool, fresh: bool = False) -> Runtime:
    """The fund world on ``path`` (``fresh``: create its people and fund first)."""
    url = f"sqlite:///{path}"
    rt = fund_runtime(url) if fresh else make_runtime(url, clock="virtual")
    return replace(rt, settings=replace(rt.settings, prune_finished=prune))


def prepare(folder: Path, prune: bool) -> tuple[Path, int, int]:
    """A database with D waiting at its last repayment follow-up and a new case waiting for
    its idea; the path and the two case ids."""
    path = folder / f"prepared-{'pruned' if prune else 'kept'}.db"
    database = engine.Database(f"sqlite:///{path}")
    engine.migrate(database, [TASK_MIGRATIONS])
    database.dispose()
    rt = _runtime(path, prune, fresh=True)
    steps = [s for s in CASE_D.steps if s.on < LAST]
    old = replay(rt, [replace(CASE_D, steps=steps)])["D"]
    new = engine.start_case(rt, "social_investment_case", "nora.falk",
                            {"project": "N", "fund": "SIF-DEMO"}).id  # fmt: skip
    engine.advance_clock(rt, engine.to_datetime(LAST + "T10:00"), "bench")
    rt.close()
    return path, old, new


def stored_bytes(path: Path, case_id: int) -> int:
    database = engine.Database(f"sqlite:///{path}")
    with database.reading() as conn:
        text = conn.execute(select(cases.c.workflow).where(cases.c.id == case_id)).scalar_one()
    database.dispose()
    return len(text.encode())


def step_ms(prepared: Path, case_id: int, element: str, data: dict[str, object], user: str,
            prune: bool, samples: int, folder: Path) -> float:  # fmt: skip
    """Median milliseconds of completing ``element`` on a fresh copy of ``prepared``."""
    times = []
    for n in range(samples):
        copy = folder / f"sample-{n}.db"
        shutil.copy(prepared, copy)
        rt = _runtime(copy, prune)
        [task] = [t for t in engine.get_case(rt, case_id, with_data=False).open_tasks
                  if t.element_id == element]  # fmt: skip
        start = time.perf_counter()
        engine.complete_task(rt, task.id, data, user)
        times.append(time.perf_counter() - start)
        rt.close()
        copy.unlink()
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    follow_up = next(s for s in CASE_D.steps if s.on == LAST)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for prune in (True, False):
            label = "pruned (Sif)" if prune else "kept (unpruned)"
            print(f"preparing: {label} …", flush=True)
            prepared, old, new = prepare(folder, prune)
            old_ms = step_ms(prepared, old, follow_up.element, dict(follow_up.data),
                             follow_up.user, prune, args.samples, folder)  # fmt: skip
            new_ms = step_ms(prepared, new, "submit_idea", sample_form("idea"), "nora.falk",
                             prune, args.samples, folder)  # fmt: skip
            rows.append((label, new_ms, old_ms, stored_bytes(prepared, new),
                         stored_bytes(prepared, old)))  # fmt: skip
    print()
    print(f"{'':18}{'new case':>12}{'10-year case':>14}{'ratio':>8}{'new stored':>13}"
          f"{'old stored':>13}")  # fmt: skip
    for label, new_ms, old_ms, new_b, old_b in rows:
        print(f"{label:18}{new_ms:>9.1f} ms{old_ms:>11.1f} ms{old_ms / new_ms:>8.2f}"
              f"{new_b / 1024:>9.1f} KiB{old_b / 1024:>9.1f} KiB")  # fmt: skip
    print("targets: ratio <= 2, the 10-year case stored <= 100 KiB")


if __name__ == "__main__":
    main()
