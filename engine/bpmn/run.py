"""Driving one SpiffWorkflow workflow: start, load, complete a user task, run to a wait state.

``Workflow`` wraps a BpmnWorkflow so that the rest of the engine sees plain values. A failing
script, condition or service during a run leaves the failing task in ERROR and is reported
as ``StepFailed``; the caller persists the workflow as an incident and may ``retry`` later.
So does a step that goes past its ``WorkflowLimits``: too many engine tasks in one step (a
loop that waits for nothing), a task tree too deep for SpiffWorkflow to see (gateway loops),
or a multi-instance activity with too many instances.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.limits import (
    DEFAULT_MAX_COPIED_BYTES,
    DEFAULT_MAX_INSTANCES,
    LimitExceeded,
    StepGuard,
    TooManyInstances,
    looping,
    max_instances,
)
from engine.bpmn.prune import prune_finished
from engine.bpmn.scripts import ServiceFailed
from engine.bpmn.store import (
    CompiledSpec,
    dump_workflow,
    load_spec,
    load_workflow,
    new_workflow,
)
from engine.bpmn.timers import TimerFailed, WaitingTimer, clock_at, timer_of
from engine.bpmn.trail import Trail, trail_of
from engine.durations import InvalidTime
from engine.scripting.guard import ScriptError

_MAX_ROUNDS = 1000  # timers due at once in one step; far more than any case has


@dataclass(frozen=True)
class WorkflowLimits:
    """What one case's run may create at most (from ``Settings``)."""

    max_instances: int = DEFAULT_MAX_INSTANCES  # instances of one multi-instance activity
    max_data_bytes: int = DEFAULT_MAX_COPIED_BYTES  # data a step may store (and copy out)
    # Engine tasks (scripts, gateways, events …) run in one step. Each costs SpiffWorkflow a
    # walk over the whole task tree: 2 000 take about 5 s, and one multi-instance activity at
    # the default cap needs about 1 000.
    max_engine_tasks: int = 2000


@dataclass(frozen=True)
class ReadyTask:
    id: str
    element_id: str
    name: str


class StepFailed(Exception):
    """A task failed while the engine ran; the workflow holds it in ERROR."""

    def __init__(self, task_id: str, element_id: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.task_id = task_id
        self.element_id = element_id
        self.line = line
        self.message = message


class MessageNotAwaited(Exception):
    """No catch event of the case waits for this message now."""


class TaskNotReady(Exception):
    """The task is not waiting for a person (already done, cancelled, or unknown)."""


class Workflow:
    """One case's running workflow, with the script engine of the current step attached."""

    def __init__(
        self,
        workflow: BpmnWorkflow,
        now: datetime,
        compiled: CompiledSpec,
        limits: WorkflowLimits = WorkflowLimits(),
    ) -> None:
        self._wf = workflow
        self._compiled = compiled
        self.limits = limits
        self._private = False
        self.now = now  # the step's time: what timer events see as "now"
        self.completed_timers: list[WaitingTimer] = []  # timer events run in this step
        self._pruned_completed: set[UUID] = set()  # completed tasks pruned in this step

    @classmethod
    def start(
        cls,
        compiled: CompiledSpec,
        script_engine: Any,
        data: dict[str, Any],
        now: datetime,
        limits: WorkflowLimits = WorkflowLimits(),
    ) -> Workflow:
        wf = new_workflow(compiled)
        wf.script_engine = script_engine
        wf.data.update(copy.deepcopy(data))
        for task in [wf.task_tree, *wf.get_tasks(state=TaskState.READY)]:
            task.data.update(copy.deepcopy(data))
        return cls(wf, now, compiled, limits)

    @classmethod
    def load(
        cls,
        text: str,
        compiled: CompiledSpec,
        script_engine: Any,
        now: datetime,
        limits: WorkflowLimits = WorkflowLimits(),
    ) -> Workflow:
        wf = load_workflow(text, compiled)
        wf.script_engine = script_engine  # not serialized: attach after every load
        workflow = cls(wf, now, compiled, limits)
        if _triggered(wf):
            workflow._use_private_spec()
            _rewire(workflow._wf)
        return workflow

    def dump(self, limit: int | None = None) -> str:
        """The case's state as text; with ``limit``, ``DataRefused`` if it would be larger,
        or holds a value that cannot be stored (measured before anything large is built)."""
        return dump_workflow(self._wf, limit)

    @property
    def last_step_id(self) -> str | None:
        """The element id of the task that ran last."""
        last = self._wf.last_task
        return None if last is None else str(last.task_spec.bpmn_id or last.task_spec.name)

    @property
    def last_step_name(self) -> str:
        """The name (or id) of the task that ran last, for messages about this step."""
        last = self._wf.last_task
        if last is None:
            return ""
        return str(last.task_spec.bpmn_name or last.task_spec.bpmn_id or last.task_spec.name)

    def act_as(self, actor: str) -> None:
        """Name who causes what runs next (service tasks see it), at the step's time."""
        environment = getattr(self._wf.script_engine, "environment", None)
        if environment is not None:
            environment.actor = actor
            environment.now = self.now

    def run(self) -> None:
        """Run engine tasks until only people, timers or messages are awaited."""
        guard = StepGuard(self.limits.max_engine_tasks)
        try:
            with self._in_step():
                for _ in range(_MAX_ROUNDS):
                    self._wf.refresh_timers()  # do_engine_steps refreshes timers only at its end
                    self._wf.do_engine_steps(
                        will_complete_task=guard.before_task, did_complete_task=self._note_timer
                    )
                    # A timer already due when the token reached it is READY only after that
                    # final refresh: run again, or it would wait for nobody.
                    if not self._engine_task_ready():
                        break
                else:
                    raise LimitExceeded(self._next_engine_task(), looping(guard.count))
                guard.check_tree(self._wf)
        except LimitExceeded as refused:
            raise self._refusal(refused) from refused
        except Exception as exc:  # SpiffWorkflow raises bare Exception for bad timers
            raise self._failure(exc) from exc

    @contextmanager
    def _in_step(self) -> Iterator[None]:
        """What SpiffWorkflow's callbacks see while this step runs: its time and its limits."""
        limits = self.limits
        with clock_at(self.now), max_instances(limits.max_instances, limits.max_data_bytes):
            yield

    def _note_timer(self, task: Any) -> None:
        timer = timer_of(task)
        if timer is not None:
            self.completed_timers.append(timer)

    def _engine_task_ready(self) -> bool:
        return self._next_engine_task() is not None

    def _next_engine_task(self) -> Any:
        ready = self._wf.get_tasks(state=TaskState.READY)
        return next((t for t in ready if not t.task_spec.manual), None)

    def _failure(self, exc: Exception) -> StepFailed:
        failed = next(iter(self._failed_tasks()), None)
        script_error = _find_script_error(exc)
        line = getattr(script_error or exc, "line", None) or getattr(exc, "line_number", None)
        message = script_error.message if script_error else _message(exc)
        if failed is not None:
            return StepFailed(str(failed.id), failed.task_spec.bpmn_id or "", line or None, message)
        if isinstance(exc, TimerFailed):  # the timer event waits on; it is not in ERROR
            return StepFailed(exc.task_id, exc.element_id, None, message)
        return StepFailed("", "", line, message)

    def _refusal(self, refused: LimitExceeded) -> StepFailed:
        """The task a limit stopped goes to ERROR if it was about to run (``retry`` runs it
        again, with a fresh allowance); the step is the case's incident."""
        task = refused.task
        if task is None:
            return StepFailed("", "", None, refused.message)
        if task.state == TaskState.READY:
            task._set_state(TaskState.ERROR)
        return StepFailed(str(task.id), task.task_spec.bpmn_id or "", None, refused.message)

    def waits(self) -> tuple[list[ReadyTask], list[WaitingTimer]]:
        """What the case waits for: ready user tasks and waiting timers, in one pass."""
        ready: list[ReadyTask] = []
        timers: list[WaitingTimer] = []
        for task in self._wf.get_tasks(state=TaskState.READY | TaskState.WAITING):
            if task.state == TaskState.READY:
                if task.task_spec.manual:
                    spec = task.task_spec
                    ready.append(ReadyTask(str(task.id), spec.bpmn_id or spec.name,
                                           spec.bpmn_name or ""))  # fmt: skip
            else:
                timer = timer_of(task)
                if timer is not None:
                    timers.append(timer)
        return ready, timers

    def waiting_nodes(self) -> list[tuple[str, str]]:
        """``(element id, name)`` of what waits: timers, messages, and the (sub)processes
        around them."""
        return [
            (t.task_spec.bpmn_id, t.task_spec.bpmn_name or t.task_spec.bpmn_id)
            for t in self._wf.get_tasks(state=TaskState.WAITING)
            if t.task_spec.bpmn_id
        ]

    def trail(self) -> Trail:
        """The flow nodes the case has completed and the steps between them, from the whole
        task tree (``get_tasks(state=COMPLETED)`` misses those under a waiting task)."""
        return trail_of(self._wf)

    def ends_reached(self) -> list[str]:
        """Element ids of the end events a finished case reached, the last one first: the
        process's own, not its subprocesses' (which may have been pruned)."""
        ended = [
            t for t in self._wf.tasks.values()
            if t.state == TaskState.COMPLETED and t.task_spec.bpmn_id
            and isinstance(t.task_spec, EndEvent)
        ]  # fmt: skip
        ended.sort(key=lambda t: t.last_state_change, reverse=True)
        return [t.task_spec.bpmn_id for t in ended]

    def task_data(self, task_id: str) -> dict[str, Any]:
        task = self._wf.get_task_from_id(UUID(task_id))
        if task is None:
            raise TaskNotReady(task_id)
        return dict(task.data)

    def complete(self, task_id: str, data: dict[str, Any], under: str | None = None) -> None:
        """Complete a READY user task with the submitted data, kept under the one name
        ``under`` when given (else each answer under its own field name); then call ``run``."""
        task = self._wf.get_task_from_id(UUID(task_id))
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id)
        if under:
            task.data[under] = copy.deepcopy(data)
        else:
            task.data.update(copy.deepcopy(data))
        try:
            with self._in_step():
                task.run()
        except Exception as exc:  # a post-script or a boundary timer may fail here
            raise self._failure(exc) from exc

    def deliver_message(self, name: str, payload: dict[str, Any]) -> None:
        """Hand a message to the catch event waiting for it (e.g. an event subprocess's start);
        ``MessageNotAwaited`` if nothing waits for ``name``."""
        definition = self._message_definition(name)
        if definition is None:
            raise MessageNotAwaited(name)
        self._use_private_spec()
        try:
            with self._in_step():
                self._wf.send_event(BpmnEvent(definition, payload=copy.deepcopy(payload)))
        except Exception as exc:
            raise self._failure(exc) from exc

    def _use_private_spec(self) -> None:
        """SpiffWorkflow wires an event subprocess into the spec when a message starts it, and
        needs that wiring for as long as the subprocess lives. Specs are shared by every case
        of a version, so such a case runs on its own copy of the spec."""
        if self._private:
            return
        compiled = load_spec(self._compiled.text, private=True)
        self._wf = _rebuilt(self._wf, compiled)
        self._compiled, self._private = compiled, True

    def _message_definition(self, name: str) -> Any:
        """The message definition a waiting catch event or an event subprocess start uses."""
        waiting = [t.task_spec for t in self._wf.get_tasks(state=TaskState.WAITING)]
        triggers = [
            start
            for spec_name in self._wf.spec.start.trigger_specs
            for start in self._wf.subprocess_specs[spec_name].bpmn_start_events
        ]
        for spec in [*waiting, *triggers]:
            definition: Any = getattr(spec, "event_definition", None)
            if "Message" in type(definition).__name__ and definition.name == name:
                return definition
        return None

    def retry(self) -> None:
        """Put failed tasks back to READY and run again."""
        for task in self._failed_tasks():
            task._set_state(TaskState.READY)
        self.run()

    @property
    def has_failed_task(self) -> bool:
        return bool(self._failed_tasks())

    def _failed_tasks(self) -> list[Any]:
        """Tasks in ERROR, also under a STARTED one (an instance of a loop or multi-instance
        activity): SpiffWorkflow looks for finished states only below finished tasks."""
        tasks = self._wf.get_tasks(state=TaskState.ERROR | TaskState.STARTED)
        return [t for t in tasks if t.state == TaskState.ERROR]

    @property
    def is_completed(self) -> bool:
        return bool(self._wf.is_completed())

    @property
    def data(self) -> dict[str, Any]:
        """The newest data: the last completed task's, or the workflow's at the end."""
        last = self._wf.last_task
        return dict(last.data if last is not None else self._wf.data)

    def cancel(self) -> None:
        self._wf.cancel()

    def task_finished(self, task_id: str) -> bool:
        """Did this task complete (as opposed to being cancelled or dropped)?"""
        if UUID(task_id) in self._pruned_completed:
            return True
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except TaskNotFoundException:  # pruned with its subprocess without having run
            return False
        return task.state in (TaskState.COMPLETED, TaskState.READY)

    def prune(self) -> None:
        """Let finished subprocesses leave the task tree (engine.bpmn.prune)."""
        self._pruned_completed |= prune_finished(self._wf)


def _rebuilt(workflow: BpmnWorkflow, compiled: CompiledSpec) -> BpmnWorkflow:
    rebuilt = load_workflow(dump_workflow(workflow), compiled)
    rebuilt.script_engine = workflow.script_engine
    return rebuilt


def _triggered(workflow: BpmnWorkflow) -> list[Any]:
    """Event subprocesses this workflow has started: children of its start task, the root of
    its task tree (pruning keeps it there, engine.bpmn.prune)."""
    triggers = workflow.spec.start.trigger_specs
    return [c.task_spec for c in workflow.task_tree.children if c.task_spec.name in triggers]


def _rewire(workflow: BpmnWorkflow) -> None:
    """Restore, on a private spec, the wiring SpiffWorkflow made when it started them."""
    spec = workflow.spec
    for sub_spec in _triggered(workflow):
        if spec.start not in sub_spec.inputs:
            spec.start.connect(sub_spec)
            sub_spec.connect(spec.end)


def _find_script_error(exc: BaseException | None) -> ScriptError | ServiceFailed | None:
    """The cause that carries a message for people: a script or a service failure."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ScriptError | ServiceFailed):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _message(exc: Exception) -> str:
    if isinstance(exc, InvalidTime | TooManyInstances):
        return str(exc)
    text = str(exc.args[0]) if exc.args else exc.__class__.__name__
    return f"Motorfel: {text}"
