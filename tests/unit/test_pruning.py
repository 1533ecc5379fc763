"""What a case has finished leaves its task tree only when nothing can read it again
(engine.bpmn.prune), and Sif's stored form of the tree reads back to the same data.

The scenario (tests/data/prune_rules) has a parallel join inside a revision loop, then a
sequential multi-instance subprocess over three years. Every test runs the case twice, as
Sif stores it (each step saved, pruned and read back) and as SpiffWorkflow keeps it, and
compares what each shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from engine.bpmn.compile import compile_processes
from engine.bpmn.run import Workflow
from engine.bpmn.scripts import script_engine
from engine.bpmn.store import CompiledSpec, load_spec
from engine.services import ServiceRegistry
from tests.conftest import DATA

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def _compiled() -> CompiledSpec:
    root = etree.parse(str(DATA / "prune_rules" / "prune_rules.bpmn")).getroot()
    [process], problems = compile_processes({"prune_rules.bpmn": root}, {})
    assert problems == []
    return load_spec(process.spec_json)


class Case:
    """One case of the scenario, saved and read back after every step (``pruned``: as Sif
    stores cases)."""

    def __init__(self, pruned: bool) -> None:
        self.compiled, self.pruned = _compiled(), pruned
        self.wf = Workflow.start(self.compiled, self._engine(), {}, NOW)
        self.wf.run()
        self.save()

    @staticmethod
    def _engine() -> Any:
        return script_engine({}, ServiceRegistry())

    def save(self) -> None:
        if self.pruned:
            self.wf.prune()
        self.text = self.wf.dump()
        self.wf = Workflow.load(self.text, self.compiled, self._engine(), NOW)

    def do(self, element: str, data: dict[str, Any] | None = None) -> None:
        [task] = [t for t in self.wf.waits()[0] if t.element_id == element]
        self.wf.complete(task.id, data or {})
        self.wf.run()
        self.save()

    def stored(self) -> dict[str, Any]:
        return dict(json.loads(self.text))

    def specs(self) -> list[str]:
        stored = self.stored()
        tasks = [*stored["tasks"].values()]
        tasks += [t for s in stored["subprocesses"].values() for t in s["tasks"].values()]
        return [t["task_spec"] for t in tasks]


def _both(*steps: tuple[str, dict[str, Any] | None]) -> tuple[Case, Case]:
    pruned, kept = Case(True), Case(False)
    for element, data in steps:
        pruned.do(element, data)
        kept.do(element, data)
    return pruned, kept


REVISED = [("left", None), ("review", {"again": True}), ("left", None)]
YEARS = [("review", {"again": False}), ("year_task", {"done": 1}), ("year_task", {"done": 2})]


def test_a_join_that_can_run_again_keeps_the_tokens_it_scans() -> None:
    pruned, kept = _both(*REVISED)
    # The parallel join may run again (the revision loop): nothing before it left the tree.
    assert pruned.specs().count("join") == kept.specs().count("join") >= 2
    assert pruned.specs().count("prepare") == 1
    assert pruned.wf.data == kept.wf.data


def test_finished_years_and_the_finished_beginning_leave_the_tree() -> None:
    pruned, kept = _both(*REVISED, *YEARS)
    stored = pruned.stored()
    root = stored["tasks"][stored["root"]]
    [first] = root["children"]
    # The start task is kept; after it comes the last finished task every live one follows.
    assert root["task_spec"] == "Start"
    assert stored["tasks"][first]["task_spec"] == "again_gw"
    assert "join" not in pruned.specs() and "prepare" not in pruned.specs()
    # Of the three years, the one merged last and the one running are left.
    assert pruned.specs().count("years_sub [child]") == 2
    assert kept.specs().count("years_sub [child]") == 3
    assert len(pruned.text) < len(kept.text) / 2
    assert pruned.wf.data == kept.wf.data
    assert pruned.wf.trail() == kept.wf.trail()


def test_the_case_ends_the_same_way_pruned_or_not() -> None:
    pruned, kept = _both(*REVISED, *YEARS, ("year_task", {"done": 3}), ("last", None))
    assert pruned.wf.is_completed and kept.wf.is_completed
    assert pruned.wf.data == kept.wf.data
    assert pruned.wf.trail() == kept.wf.trail()
    assert pruned.wf.ends_reached() == kept.wf.ends_reached() == ["end"]  # the case's own


def test_a_subprocess_is_stored_without_a_copy_of_the_case_data() -> None:
    pruned, kept = _both(*REVISED, ("review", {"again": False}))
    [sub] = pruned.stored()["subprocesses"].values()
    first = sub["tasks"][sub["root"]]
    assert first["caller"] is True and first["data"] == {}
    assert "notes" not in json.dumps(first)  # the 2 000 characters are the caller's
    # Read back, the subprocess's tasks have the data they have when nothing is pruned.
    again = Workflow.load(pruned.text, pruned.compiled, Case._engine(), NOW)
    [running] = [t for t in again.waits()[0] if t.element_id == "year_task"]
    [expected] = [t for t in kept.wf.waits()[0] if t.element_id == "year_task"]
    assert again.task_data(running.id) == kept.wf.task_data(expected.id)
    assert again.task_data(running.id)["notes"] == "x" * 2000


def test_a_predicted_task_is_stored_without_listing_the_data_it_lacks() -> None:
    pruned, _ = _both(("left", None))
    stored = pruned.stored()
    predicted = [t for t in stored["tasks"].values() if t["state"] < 8]  # FUTURE … MAYBE
    assert predicted and all(t["data"] == {} and t["delta"] == {} for t in predicted)
