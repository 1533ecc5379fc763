"""A case that lives ten years stays as cheap as a young one: what it has finished (each
budget year, report period and repayment year, and its beginning) leaves its stored task
tree, so case D — the demo's KAA, 2017 to 2025 — is stored in under 100 KiB, and what Sif
shows of it (the history with each step's data, the path on its diagram) is the same as when
nothing is pruned. The same holds for a whole case under each rule profile — in Norrköping
twelve years of virtual time — at every save: under 100 KiB, with no more tasks than twice
what it held in its first year (the work of reading and writing it, counted rather than
timed)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

import engine
from engine import Runtime
from engine.schema import cases
from tasks.profiles import all_profiles
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from tests.integration.fund import fund_runtime
from tests.integration.fund_paths import whole_life
from web.demo.cases import CASE_D
from web.demo.replay import replay

MAX_STORED = 100 * 1024


def _stored(rt: Runtime, case_id: int) -> dict[str, Any]:
    with rt.db.reading() as conn:
        text = conn.execute(select(cases.c.workflow).where(cases.c.id == case_id)).scalar_one()
    stored: dict[str, Any] = json.loads(text)
    stored["_bytes"] = len(text.encode())
    return stored


def _tasks(stored: dict[str, Any]) -> int:
    return len(stored["tasks"]) + sum(len(s["tasks"]) for s in stored["subprocesses"].values())


@dataclass
class Saves:
    """Every workflow a runtime writes: (the case's virtual day, bytes, tasks)."""

    rt: Runtime
    seen: list[tuple[str, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        event.listen(self.rt.db.engine, "before_cursor_execute", self._saw)

    def _saw(self, _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any,
             _many: bool) -> None:  # fmt: skip
        if not statement.lstrip().upper().startswith("UPDATE CASES"):
            return
        for params in context.compiled_parameters:
            text = params.get("workflow")
            if text:
                stored = json.loads(text)
                tasks = len(stored["tasks"]) + sum(
                    len(s["tasks"]) for s in stored["subprocesses"].values()
                )
                self.seen.append((str(params.get("now"))[:10], len(text.encode()), tasks))


def _history(rt: Runtime, case_id: int) -> list[tuple[Any, ...]]:
    """The case's history without what is random per run (event and task ids)."""
    return [
        (e.kind, e.element_id, e.actor, e.at, json.dumps(e.detail, sort_keys=True))
        for e in engine.case_events(rt, case_id, limit=None)
    ]


@pytest.fixture
def other_world(tmp_path: Path) -> Iterator[Callable[..., Runtime]]:
    """The same world on a SQLite database of its own (under a rule profile, Södertälje's
    unless said), pruning what has finished or not."""
    opened: list[Runtime] = []

    def world(name: str, prune: bool, profile: str = "sodertalje_2015") -> Runtime:
        url = f"sqlite:///{tmp_path}/{name}.db"
        database = engine.Database(url)
        engine.migrate(database, [TASK_MIGRATIONS])
        database.dispose()
        rt = fund_runtime(url, profile)
        opened.append(rt)
        return replace(rt, settings=replace(rt.settings, prune_finished=prune))

    yield world
    for rt in opened:
        rt.close()


def test_case_d_after_ten_years_is_small_and_shows_the_same(
    fund_rt: Runtime, other_world: Callable[..., Runtime]
) -> None:
    at_first_follow_up = [s.element for s in CASE_D.steps].index("annual_follow_up")
    young_rt = other_world("young", True)
    young = replay(young_rt, [replace(CASE_D, steps=CASE_D.steps[:at_first_follow_up])])["D"]
    young_tasks = _tasks(_stored(young_rt, young))
    unpruned = other_world("unpruned", False)
    pruned_id = replay(fund_rt, [CASE_D])["D"]
    kept_id = replay(unpruned, [CASE_D])["D"]
    pruned, kept = _stored(fund_rt, pruned_id), _stored(unpruned, kept_id)
    assert engine.get_case(fund_rt, pruned_id, with_data=False).status == "completed"
    assert pruned["_bytes"] <= MAX_STORED < kept["_bytes"]
    assert pruned["subprocesses"] == {}  # all of its years are over
    assert _tasks(pruned) <= 2 * young_tasks  # a step reads no more than twice a young case's
    assert _history(fund_rt, pruned_id) == _history(unpruned, kept_id)
    shown, expected = (
        engine.case_diagram(fund_rt, pruned_id),
        engine.case_diagram(unpruned, kept_id),
    )
    assert (shown.completed, shown.flows) == (expected.completed, expected.flows)
    assert "annual_allocation" in shown.completed and "repayment_follow_up" in shown.completed
    assert engine.get_case(fund_rt, pruned_id).data == engine.get_case(unpruned, kept_id).data


@pytest.mark.parametrize("profile", sorted(all_profiles()))
def test_a_whole_case_stays_small_and_shows_the_same(
    other_world: Callable[..., Runtime], profile: str
) -> None:
    life = replace(CASE_D, steps=whole_life(profile))
    pruned_rt, kept_rt = other_world("pruned", True, profile), other_world("kept", False, profile)
    saves = Saves(pruned_rt)
    pruned, kept = replay(pruned_rt, [life])["D"], replay(kept_rt, [life])["D"]

    case = engine.get_case(pruned_rt, pruned, with_data=False)
    assert case.status == "completed", (case.stage, [t.element_id for t in case.open_tasks])
    first_year = [tasks for day, _, tasks in saves.seen if day < "2018-01-01"]
    assert first_year and len(saves.seen) > len(first_year)
    assert max(size for _, size, _ in saves.seen) <= MAX_STORED
    assert max(tasks for _, _, tasks in saves.seen) <= 2 * max(first_year)

    assert _history(pruned_rt, pruned) == _history(kept_rt, kept)
    shown, expected = engine.case_diagram(pruned_rt, pruned), engine.case_diagram(kept_rt, kept)
    assert (shown.completed, shown.flows) == (expected.completed, expected.flows)
    assert engine.get_case(pruned_rt, pruned).data == engine.get_case(kept_rt, kept).data
