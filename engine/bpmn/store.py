"""Serialization: a definition's spec once, a case's workflow state on every save.

SpiffWorkflow's serializer writes the whole spec into every workflow. Sif stores the spec once
per definition version and keeps the restored spec objects in a small in-process cache, so a
case save/load converts only its own task tree. Multi-instance specs are written under
SpiffWorkflow's type names and restored as Sif's capped classes, whenever they were stored.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
)
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task, TaskState
from SpiffWorkflow.util.deep_merge import DeepMerge

from engine.bpmn.limits import SIF_MULTI_INSTANCE
from engine.bpmn.subprocesses import SIF_SUBPROCESSES
from engine.bpmn.timers import SIF_TIMERS
from engine.bpmn.trail import Trail, pruned_trail
from engine.datasize import SizeBudget

FORMAT = "sif-1"
# The size budget of the dump in progress (``dump_workflow(..., limit=…)``), or None.
_budget: ContextVar[SizeBudget | None] = ContextVar("sif_dump_budget", default=None)


def _measure(value: object, where: Callable[[], tuple[str, str]] = lambda: ("", "")) -> None:
    """Charge a value about to be written to the current dump's budget, if there is one;
    ``where`` names the step that holds it, asked only when it is refused."""
    budget = _budget.get()
    if budget is not None and value:
        budget.charge(value, where)


def _names(task: Task) -> tuple[str, str]:
    spec = task.task_spec
    element_id = str(spec.bpmn_id or spec.name)
    return element_id, str(spec.bpmn_name or element_id)


class _MeasuredTaskConverter(TaskConverter):  # type: ignore[misc]
    """SpiffWorkflow writes a task's data as its changes against its parent's (comparing, not
    copying). Sif writes two kinds of task shorter, so an old case's data is stored about once:

    - a task holding no data (one predicted, or cancelled before it ran) as no data, where
      SpiffWorkflow would list every key of its parent's data as deleted;
    - the first task of a subprocess as its changes against the task that runs the
      subprocess (``"caller": true``), where SpiffWorkflow writes a whole copy of the data.

    Both read back to the same data. Exactly what is written — the changes, the data of a
    root task and the internal data — is measured before the workflow is turned into text."""

    def to_dict(self, task: Task) -> dict[str, Any]:
        parent = task.parent
        caller = _caller(task)
        base = caller if caller is not None else parent
        data: dict[str, Any] = {}
        delta: dict[str, Any] = {}
        if base is None:
            data = task.data  # a root task's, written whole
        elif task.data or caller is not None:
            delta = {
                "updates": DeepMerge.get_updated_keys(base.data, task.data),
                "deletions": DeepMerge.get_deleted_keys(base.data, task.data),
            }
        dct = {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data),
            "data": data,
            "delta": delta,  # {}: SpiffWorkflow then reads "data": {} as it is
        }
        if caller is not None:
            dct["caller"] = True
        if _budget.get() is not None:
            where = functools.partial(_names, task)
            _measure(task.internal_data, where)
            _measure(data, where)
            _measure(delta.get("updates"), where)
        return dct

    def from_dict(self, dct: dict[str, Any], workflow: Any) -> Task:
        """SpiffWorkflow's reading of a task, made cheaper for a long case's tree (the same
        data comes out):

        - stored values are restored without rebuilding what holds no stored object;
        - a finished task's data shares its containers with its parent's, where SpiffWorkflow
          copies each of them: SpiffWorkflow never changes a finished task's data in place (a
          task reset gets a deep copy), and a live task still gets its own copies, as
          SpiffWorkflow gives them."""
        spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, spec, state=dct["state"], id=UUID(dct["id"]))
        task._parent = UUID(dct["parent"]) if dct["parent"] is not None else None
        task._children = [UUID(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = _restored(self.registry, dct["internal_data"])
        if isinstance(spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        delta, by_caller = dct.get("delta"), dct.get("caller")
        base = _caller(task) if by_caller else task.parent
        if by_caller and base is None:
            raise ValueError(f"the task running subprocess task {task.id} is missing")
        if delta and base is not None:
            finished = task.has_state(TaskState.COMPLETED | TaskState.CANCELLED)
            data = dict(base.data) if finished else DeepMerge.merge({}, base.data)
            data.update(_restored(self.registry, delta.get("updates", {})))
            for key in delta.get("deletions", []):
                data.pop(key, None)
        else:
            data = _restored(self.registry, dct["data"])
        task.data = data
        return task


def _restored(registry: Any, value: Any) -> Any:
    """What ``registry.restore`` makes of a value just read from JSON, without rebuilding the
    dicts and lists that hold no stored object (one with a ``typename``): those are returned as
    they are, since nothing else holds them."""
    kind = type(value)
    if kind is dict:
        if "typename" in value:
            return registry.restore(value)
        for key, item in value.items():
            if type(item) in _CONTAINERS:
                value[key] = _restored(registry, item)
    elif kind is list:
        for index, item in enumerate(value):
            if type(item) in _CONTAINERS:
                value[index] = _restored(registry, item)
    return value


_CONTAINERS = (dict, list)


def _caller(task: Task) -> Task | None:
    """For the first task of a subprocess, the task that runs the subprocess; else None."""
    workflow = task.workflow
    parent_id = getattr(workflow, "parent_task_id", None)
    if task.parent is not None or parent_id is None:
        return None
    top = workflow.top_workflow
    found = top.tasks.get(parent_id)
    if found is None:
        found = next((s.tasks[parent_id] for s in top.subprocesses.values()
                      if parent_id in s.tasks), None)  # fmt: skip
    return found


def _tasks_then_data(converter: Any, workflow: Any) -> dict[str, Any]:
    """What SpiffWorkflow writes of a (sub)workflow, converting its tasks before its data, so
    that a value too large to store is reported at the first task that holds it."""
    tasks = converter.mapping_to_dict(workflow.tasks)
    _measure(workflow.data)
    return {
        "data": converter.registry.convert(converter.registry.clean(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "tasks": tasks,
        "root": str(workflow.task_tree.id),
    }


class _MeasuredSubWorkflowConverter(BpmnSubWorkflowConverter):  # type: ignore[misc]
    def to_dict(self, workflow: BpmnSubWorkflow) -> dict[str, Any]:
        dct = _tasks_then_data(self, workflow)
        dct["parent_task_id"] = str(workflow.parent_task_id)
        dct["spec"] = workflow.spec.name
        return dct


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Like SpiffWorkflow's converter, minus the spec; the spec comes from the definition."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = _tasks_then_data(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        pruned = pruned_trail(workflow)
        if pruned.nodes or pruned.steps:  # what finished subprocesses left (engine.bpmn.prune)
            dct["pruned"] = {"nodes": sorted(pruned.nodes),
                             "steps": sorted([a, b] for a, b in pruned.steps)}  # fmt: skip
        _measure(workflow.bpmn_events)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], compiled: CompiledSpec) -> BpmnWorkflow:
        workflow = self.target_class(compiled.spec, compiled.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        pruned = dct.pop("pruned", None)
        if pruned:
            workflow.sif_pruned = Trail(
                frozenset(pruned["nodes"]), frozenset((a, b) for a, b in pruned["steps"])
            )
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _SpeclessWorkflowConverter
_config[BpmnSubWorkflow] = _MeasuredSubWorkflowConverter
_config[Task] = _MeasuredTaskConverter
for _spiff_timer, _sif_timer in SIF_TIMERS.items():
    _config[_sif_timer] = _config[_spiff_timer]
_registry = BpmnWorkflowSerializer.configure(_config)
for _spiff, _sif in (SIF_MULTI_INSTANCE | SIF_SUBPROCESSES).items():  # registered last:
    _config[_spiff](_sif, _registry, typename=_spiff.__name__)  # restoring makes Sif's
_registry.register(
    date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"])
)
_Encoder = create_encoder(_registry)
# SpiffWorkflow's registry switches into "encoder mode" with a flag on the shared registry.
_encoder_lock = threading.Lock()


@dataclass(frozen=True)
class CompiledSpec:
    """A process's restored SpiffWorkflow specs: shared, never mutated by running cases."""

    spec: Any
    subprocess_specs: dict[str, Any]
    text: str = ""  # the serialized spec, to make a private copy from


def element_names(compiled: CompiledSpec) -> dict[str, str]:
    """Every BPMN element's name by id (its id where it has no name), called processes too."""
    names: dict[str, str] = {}
    for spec in (compiled.spec, *compiled.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id:
                names[bpmn_id] = getattr(task_spec, "bpmn_name", None) or bpmn_id
    return names


def dump_spec(spec: Any, subprocess_specs: dict[str, Any]) -> str:
    """Serialize a process spec and the specs of the processes it calls."""
    return json.dumps(
        {
            "format": FORMAT,
            "spec": _registry.convert(spec),
            "subprocess_specs": {
                name: _registry.convert(s) for name, s in subprocess_specs.items()
            },
        }
    )


_cache: OrderedDict[str, CompiledSpec] = OrderedDict()
_CACHE_SIZE = 64


def load_spec(text: str, private: bool = False) -> CompiledSpec:
    """Restore a spec from ``dump_spec`` output; repeated loads of the same text are cached
    and shared. ``private``: a fresh copy for one workflow that SpiffWorkflow will rewire."""
    key = hashlib.sha256(text.encode()).hexdigest()
    hit = None if private else _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit
    dct = json.loads(text)
    compiled = CompiledSpec(
        spec=_registry.restore(dct["spec"]),
        subprocess_specs={n: _registry.restore(s) for n, s in dct["subprocess_specs"].items()},
        text=text,
    )
    if private:
        return compiled
    _cache[key] = compiled
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return compiled


def dump_workflow(workflow: BpmnWorkflow, limit: int | None = None) -> str:
    """The case's state as JSON text, without its spec.

    With ``limit``, every value is measured as it will be written before it is converted
    (``engine.datasize``); ``DataRefused`` says what is too large, cyclic, too deep or of a
    type that cannot be stored, and where — and nothing large was built.
    """
    token = _budget.set(SizeBudget(limit) if limit is not None else None)
    try:
        with _encoder_lock:
            _registry._encoder_mode = True
            try:
                dct = _registry.convert(workflow)
                dct["format"] = FORMAT
                return json.dumps(dct, cls=_Encoder, separators=(",", ":"))
            finally:
                _registry._encoder_mode = False
    finally:
        _budget.reset(token)


def load_workflow(text: str, compiled: CompiledSpec) -> BpmnWorkflow:
    """Rebuild a workflow from ``dump_workflow`` output on its definition's spec."""
    dct = json.loads(text)
    dct.pop("format", None)
    dct.pop("typename", None)
    return _registry.convert_from_dict["BpmnWorkflow"](dct, compiled=compiled)


def new_workflow(compiled: CompiledSpec) -> BpmnWorkflow:
    return BpmnWorkflow(compiled.spec, compiled.subprocess_specs)
