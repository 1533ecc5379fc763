"""Serialization: a definition's spec once, a case's workflow state on every save.

SpiffWorkflow's serializer writes the whole spec into every workflow. Sif stores the spec once
per definition version and keeps the restored spec objects in a small in-process cache, so a
case save/load converts only its own task tree.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.bpmn.timers import SIF_TIMERS

FORMAT = "sif-1"


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Like SpiffWorkflow's converter, minus the spec; the spec comes from the definition."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        return {
            "data": self.registry.convert(self.registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": self.mapping_to_dict(workflow.tasks),
            "root": str(workflow.task_tree.id),
            "subprocesses": self.mapping_to_dict(workflow.subprocesses),
            "bpmn_events": self.registry.convert(workflow.bpmn_events),
        }

    def from_dict(self, dct: dict[str, Any], compiled: CompiledSpec) -> BpmnWorkflow:
        workflow = self.target_class(compiled.spec, compiled.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _SpeclessWorkflowConverter
for _spiff_timer, _sif_timer in SIF_TIMERS.items():
    _config[_sif_timer] = _config[_spiff_timer]
_registry = BpmnWorkflowSerializer.configure(_config)
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


def dump_workflow(workflow: BpmnWorkflow) -> str:
    """The case's state as JSON text, without its spec."""
    with _encoder_lock:
        _registry._encoder_mode = True
        try:
            dct = _registry.convert(workflow)
            dct["format"] = FORMAT
            return json.dumps(dct, cls=_Encoder, separators=(",", ":"))
        finally:
            _registry._encoder_mode = False


def load_workflow(text: str, compiled: CompiledSpec) -> BpmnWorkflow:
    """Rebuild a workflow from ``dump_workflow`` output on its definition's spec."""
    dct = json.loads(text)
    dct.pop("format", None)
    dct.pop("typename", None)
    return _registry.convert_from_dict["BpmnWorkflow"](dct, compiled=compiled)


def new_workflow(compiled: CompiledSpec) -> BpmnWorkflow:
    return BpmnWorkflow(compiled.spec, compiled.subprocess_specs)
