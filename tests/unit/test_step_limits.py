"""What one step may do, at the level of one workflow: how SpiffWorkflow 3.2 loses a gateway
loop, and how Sif's limits (engine tasks, tree depth, instances) stop it in time instead."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.compile import compile_processes
from engine.bpmn.limits import SifParallelMultiInstance, SifSequentialMultiInstance
from engine.bpmn.run import StepFailed, Workflow, WorkflowLimits
from engine.bpmn.scripts import script_engine
from engine.bpmn.store import CompiledSpec, dump_workflow, load_spec
from engine.services import ServiceRegistry
from tests.conftest import DATA

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def compiled(scenario: str) -> tuple[str, CompiledSpec]:
    root = etree.parse(str(DATA / scenario / f"{scenario}.bpmn")).getroot()
    [process], problems = compile_processes({f"{scenario}.bpmn": root}, {})
    assert problems == []
    return process.spec_json, load_spec(process.spec_json)


def started(scenario: str, data: dict[str, Any], limits: WorkflowLimits) -> Workflow:
    return Workflow.start(compiled(scenario)[1], engine(), data, NOW, limits)


def engine() -> Any:
    return script_engine({}, ServiceRegistry())


def test_spiffworkflow_alone_calls_a_gateway_loop_completed_after_333_rounds() -> None:
    """The trap: its task iterator stops at depth 1000, so the next task of the loop is never
    found, nothing is left to run, and the workflow counts as completed without an end."""
    wf = BpmnWorkflow(compiled("gateway_loop")[1].spec)
    wf.script_engine = engine()
    for task in wf.get_tasks(state=TaskState.READY):
        task.data["limit"] = -1
    wf.do_engine_steps()
    assert wf.is_completed()
    assert wf.last_task.data["rounds"] == 333
    assert not any(t.task_spec.bpmn_id == "end" and t.state == TaskState.COMPLETED
                   for t in wf.tasks.values())  # fmt: skip
    hidden = [t for t in wf.tasks.values() if t.state == TaskState.READY]
    assert [t.task_spec.bpmn_id for t in hidden] == ["check"]
    assert hidden not in wf.get_tasks(state=TaskState.READY)


def test_sif_stops_a_gateway_loop_before_its_tasks_sink_out_of_sight() -> None:
    wf = started("gateway_loop", {"limit": -1}, WorkflowLimits())
    with pytest.raises(StepFailed) as failed:
        wf.run()
    assert failed.value.element_id == "merge"
    assert "slinga" in failed.value.message
    assert not wf.is_completed and wf.has_failed_task
    assert wf.data["rounds"] < 333


def test_a_case_stored_after_its_loop_sank_is_an_incident_not_completed() -> None:
    """A case saved by a version without the limits, with its loop already out of sight."""
    text, spec = compiled("gateway_loop")
    raw = BpmnWorkflow(spec.spec)
    raw.script_engine = engine()
    for task in raw.get_tasks(state=TaskState.READY):
        task.data["limit"] = -1
    raw.do_engine_steps()
    wf = Workflow.load(dump_workflow(raw), load_spec(text), engine(), NOW)
    with pytest.raises(StepFailed) as failed:
        wf.run()
    assert failed.value.element_id == "check"
    assert "slinga" in failed.value.message


def test_a_loop_that_waits_for_nothing_stops_at_the_task_budget() -> None:
    wf = started("standard_loop", {"limit": -1}, WorkflowLimits(max_engine_tasks=50))
    with pytest.raises(StepFailed) as failed:
        wf.run()
    assert failed.value.element_id == "count"
    assert "över 50 steg i ett och samma steg" in failed.value.message
    assert wf.has_failed_task and not wf.is_completed


def test_a_refused_loop_retried_goes_on_with_a_fresh_allowance() -> None:
    wf = started("standard_loop", {"limit": 70}, WorkflowLimits(max_engine_tasks=50))
    with pytest.raises(StepFailed):
        wf.run()
    wf.retry()
    assert wf.is_completed and wf.data["rounds"] == 70


def test_a_failing_instance_is_found_under_its_started_activity() -> None:
    """SpiffWorkflow's get_tasks(state=ERROR) does not look below a STARTED task."""
    wf = started("many_instances", {"shape": "items", "items": [1, None]}, WorkflowLimits())
    with pytest.raises(StepFailed) as failed:
        wf.run()
    assert failed.value.element_id == "per_item"
    assert wf.has_failed_task


def test_a_loop_within_the_budget_completes() -> None:
    wf = started("standard_loop", {"limit": 40}, WorkflowLimits(max_engine_tasks=50))
    wf.run()
    assert wf.is_completed and wf.data["rounds"] == 40


@pytest.mark.parametrize("shape", ["count", "sequential"])
def test_instances_over_the_cap_are_refused_before_any_is_created(shape: str) -> None:
    wf = started("many_instances", {"shape": shape, "count": 4}, WorkflowLimits(max_instances=3))
    with pytest.raises(StepFailed) as failed:
        wf.run()
    assert failed.value.element_id == {"count": "per_count", "sequential": "in_turn"}[shape]
    assert failed.value.message == "Flerinstansaktiviteten skulle skapa 4 instanser (högst 3)."
    assert "visited" not in wf.data
    assert all("[child]" not in t.task_spec.name for t in wf._wf.tasks.values())


def test_a_refused_activity_retried_under_a_higher_cap_creates_its_instances() -> None:
    text, spec = compiled("many_instances")
    wf = Workflow.start(spec, engine(), {"shape": "items", "items": [1, 2, 3, 4]}, NOW,
                        WorkflowLimits(max_instances=3))  # fmt: skip
    with pytest.raises(StepFailed):
        wf.run()
    again = Workflow.load(
        wf.dump(), load_spec(text), engine(), NOW, WorkflowLimits(max_instances=4)
    )
    again.retry()
    assert again.is_completed
    assert again.data["doubled"] == [2, 4, 6, 8]


def test_multi_instance_specs_keep_spiffworkflows_type_names_and_load_as_sifs() -> None:
    """Specs stored before the cap existed are the same text: they load capped."""
    text, spec = compiled("many_instances")
    stored = json.loads(text)["spec"]["task_specs"]
    assert stored["per_count"]["typename"] == "ParallelMultiInstanceTask"
    assert stored["in_turn"]["typename"] == "SequentialMultiInstanceTask"
    assert type(spec.spec.task_specs["per_count"]) is SifParallelMultiInstance
    assert type(spec.spec.task_specs["in_turn"]) is SifSequentialMultiInstance


def test_a_loop_without_a_decision_is_refused_when_compiled() -> None:
    """SpiffWorkflow predicts the paths of a new case recursively: a loop with no gateway in
    it never stops (RecursionError), so such a process could never start."""
    root = etree.parse(str(DATA / "people_loop" / "people_loop.bpmn")).getroot()
    processes, [problem] = compile_processes({"people_loop.bpmn": root}, {})
    assert processes == []
    assert (problem.file, problem.element_id) == ("people_loop.bpmn", "people_loop")
    assert problem.line is not None and "slinga utan vägval" in problem.message
