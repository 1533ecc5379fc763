"""What one step of a case may do: run so many engine tasks, grow the task tree so deep,
create so many instances of one multi-instance activity.

``StepGuard`` watches a run: SpiffWorkflow runs engine tasks for as long as any is ready, so a
loop that waits for nothing would run for ever; and its task iterator does not look below
depth 1000, so a gateway loop's tasks sink out of sight after ~330 rounds and the workflow
counts as completed. Both end as ``LimitExceeded`` at the task that went too far.

SpiffWorkflow creates all instances of a parallel multi-instance activity at once, and runs a
sequential one's back to back when they wait for nobody, at a cost that grows with the square
of their number (10 000 took 132 s). Sif's subclasses count the instances first — from the
``loopCardinality`` or the length of the input collection — and over the step's cap
(``max_instances``) mark the activity ERROR and raise ``TooManyInstances`` before creating
any. The serializer restores every stored multi-instance spec as these classes (see
``engine.bpmn.store``), so definitions deployed before the cap existed are capped too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.specs.defaults import (
    ParallelMultiInstanceTask,
    SequentialMultiInstanceTask,
)
from SpiffWorkflow.util.task import TaskState

from engine.datasize import DataRefused, stored_size

DEFAULT_MAX_INSTANCES = 1000
# SpiffWorkflow's task iterator does not look below depth 1000: deeper tasks are never run nor
# awaited, and a workflow whose open tasks are all down there counts as completed.
_MAX_DEPTH = 900
_REFUSED = "sif_refused_instances"  # internal data of an activity refused in an earlier step

_max_instances: ContextVar[int] = ContextVar("sif_max_instances", default=DEFAULT_MAX_INSTANCES)
DEFAULT_MAX_COPIED_BYTES = 8 * 1024 * 1024
_max_copied: ContextVar[int] = ContextVar("sif_max_copied", default=DEFAULT_MAX_COPIED_BYTES)


class LimitExceeded(Exception):
    """The step went past a limit at ``task`` (None: no task to blame); Swedish message."""

    def __init__(self, task: Any, message: str) -> None:
        super().__init__(message)
        self.task = task
        self.message = message


class StepGuard:
    """Counts the engine tasks one run executes and watches how deep the task tree grows."""

    def __init__(self, max_tasks: int) -> None:
        self.max_tasks = max_tasks
        self.count = 0
        self._depths: dict[UUID, int] = {}

    def before_task(self, task: Any) -> None:
        """Refuse the next engine task when the step has run its share, or it is too deep."""
        self.count += 1
        if self.count > self.max_tasks:
            raise LimitExceeded(task, looping(self.max_tasks))
        if _could_be_deep(task.workflow.top_workflow):
            self._refuse_if_too_deep(task)

    def check_tree(self, workflow: BpmnWorkflow) -> None:
        """Refuse a workflow left with open tasks SpiffWorkflow will soon not see (a loop
        through people, or one that waits for nothing and was not run by this step)."""
        if not _could_be_deep(workflow):
            return
        for wf in (workflow, *workflow.subprocesses.values()):
            for task in wf.tasks.values():
                if task.state & TaskState.DEFINITE_MASK:
                    self._refuse_if_too_deep(task)

    def _refuse_if_too_deep(self, task: Any) -> None:
        depth = self._depth(task)
        if depth >= _MAX_DEPTH:
            raise LimitExceeded(task, _too_deep(depth))

    def _depth(self, task: Any) -> int:
        """How deep SpiffWorkflow's iterator finds ``task``, from the top workflow's root."""
        chain: list[Any] = []
        node = task
        while node is not None and node.id not in self._depths:
            chain.append(node)
            node = _parent(node)
        depth = self._depths[node.id] if node is not None else -1
        for ancestor in reversed(chain):
            depth += 1
            self._depths[ancestor.id] = depth
        return depth


def _could_be_deep(workflow: BpmnWorkflow) -> bool:
    """A task's depth is at most the number of tasks, so a smaller tree needs no depth walk."""
    total = len(workflow.tasks) + sum(len(sp.tasks) for sp in workflow.subprocesses.values())
    return total >= _MAX_DEPTH


def _parent(task: Any) -> Any:
    """The task's parent; for a subprocess's root, the task that runs the subprocess."""
    if task.parent is not None:
        return task.parent
    parent_id = task.workflow.parent_task_id
    return None if parent_id is None else task.workflow.top_workflow.get_task_from_id(parent_id)


def looping(limit: int) -> str:
    return (
        "Processen gick runt i en slinga utan att vänta på något: "
        f"över {limit} steg i ett och samma steg."
    )


def _too_deep(depth: int) -> str:
    return (
        f"Processen har gått för många varv i en slinga: uppgiftsträdet är {depth} nivåer djupt "
        f"(högst {_MAX_DEPTH - 1}). Gör upprepningen till en standardslinga, en "
        "flerinstansaktivitet eller en anropad process."
    )


@contextmanager
def max_instances(limit: int, copied_bytes: int = DEFAULT_MAX_COPIED_BYTES) -> Iterator[None]:
    """Let multi-instance activities inside this block create at most ``limit`` instances,
    whose input items (each instance gets its own deep copy) add up to ``copied_bytes``."""
    token = _max_instances.set(limit)
    copied = _max_copied.set(copied_bytes)
    try:
        yield
    finally:
        _max_copied.reset(copied)
        _max_instances.reset(token)


def too_many_instances(count: int, limit: int) -> str:
    return f"Flerinstansaktiviteten skulle skapa {count} instanser (högst {limit})."


class TooManyInstances(Exception):
    """A multi-instance activity would create more instances, or copy more data into them,
    than its caps allow; Swedish message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def _refuse_over_cap(my_task: Any, count: object) -> None:
    limit = _max_instances.get()
    if isinstance(count, int) and count > limit:
        _refuse(my_task, count, TooManyInstances(too_many_instances(count, limit)))


def _refuse(my_task: Any, count: object, reason: Exception) -> None:
    my_task.internal_data[_REFUSED] = count
    my_task._set_state(TaskState.ERROR)  # as SpiffWorkflow does when a pre-script fails
    raise reason


def _refuse_large_items(my_task: Any, items: object) -> None:
    """Each instance gets a deep copy of its item, so a collection holding one big value many
    times would be copied out in full that many times: measured as written, before copying."""
    limit = _max_copied.get()
    try:
        stored_size([("", "", items)], limit)
    except DataRefused as refused:
        count = len(items) if isinstance(items, Sized) else None
        _refuse(my_task, count, TooManyInstances(f"Indatasamlingen: {refused.message}"))


class _Capped:
    """Runs an activity refused in an earlier step and now retried: it creates its instances
    then (or is refused again); until they are done it is STARTED, like any other."""

    def _run_hook(self, my_task: Any) -> bool | None:
        retried = my_task.internal_data.pop(_REFUSED, None) is not None
        if retried and not self._update_hook(my_task):  # type: ignore[attr-defined]
            return None
        return super()._run_hook(my_task)  # type: ignore[misc,no-any-return]


class SifParallelMultiInstance(_Capped, ParallelMultiInstanceTask):  # type: ignore[misc]
    def create_children(self, my_task: Any) -> None:
        if self.data_input is not None:
            items = self.data_input.get(my_task)
            _refuse_over_cap(my_task, len(items) if isinstance(items, Sized) else None)
            _refuse_large_items(my_task, items)
        else:
            cardinality = my_task.workflow.script_engine.evaluate(my_task, self.cardinality)
            _refuse_over_cap(my_task, cardinality)
        super().create_children(my_task)


class SifSequentialMultiInstance(_Capped, SequentialMultiInstanceTask):  # type: ignore[misc]
    def add_next_child(self, my_task: Any) -> None:
        data = my_task.internal_data
        if not data.get("merged"):  # the first instance: the count is known, none is created
            planned = len(data["remaining"]) if self.data_input is not None else data["cardinality"]
            _refuse_over_cap(my_task, planned)
            if self.data_input is not None:
                _refuse_large_items(my_task, self.data_input.get(my_task))
        super().add_next_child(my_task)


#: SpiffWorkflow's class → Sif's, for the serializer (which keeps SpiffWorkflow's type names).
SIF_MULTI_INSTANCE: dict[type, type] = {
    ParallelMultiInstanceTask: SifParallelMultiInstance,
    SequentialMultiInstanceTask: SifSequentialMultiInstance,
}
