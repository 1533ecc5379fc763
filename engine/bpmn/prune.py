"""Keeping decade-long cases small: a subprocess that has finished leaves the live task tree.

SpiffWorkflow keeps every subprocess a case has ever run — each year of a yearly loop, each
report period, each exemption request — with two copies of the case's data and all its tasks,
so a fund case grows by ~40 KiB a year and every step reads and writes all of it. Once the
task that ran a subprocess has completed (or was cancelled), nothing in the workflow reaches
back into it: its result was copied to that task when it ended, and the multi-instance loop
around it reads the task, not the subprocess. What Sif still shows of it — the steps on the
case's diagram — is folded into the case's *pruned trail* first; the history (who did what,
with which data) was never read from the tree but from the event log.

A subprocess that holds the task that ran last is kept until a later step: SpiffWorkflow
reads the newest data from that task.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.trail import Trail, pruned_trail, walk

_ENDED = TaskState.COMPLETED | TaskState.CANCELLED


def prune_finished(workflow: BpmnWorkflow) -> set[UUID]:
    """Drop every subprocess whose task has ended (and the subprocesses inside it), after
    folding their steps into the workflow's pruned trail; the ids of the completed tasks
    dropped with them (the step that ends them may still ask whether one of them ran)."""
    nodes, steps = set(pruned_trail(workflow).nodes), set(pruned_trail(workflow).steps)
    last = workflow.last_task.id if workflow.last_task is not None else None
    dropped: set[UUID] = set()
    for parent_id in list(workflow.subprocesses):
        sub = workflow.subprocesses.get(parent_id)
        parent = _task(workflow, parent_id)
        if sub is None or parent is None or not parent.state & _ENDED:
            continue
        inner = _nested(workflow, parent_id)
        if last is not None and any(last in workflow.subprocesses[i].tasks for i in inner):
            continue
        found = walk(workflow, sub.task_tree, _before(parent))
        nodes |= found.nodes
        steps |= found.steps
        for sub_id in inner:
            gone = workflow.subprocesses.pop(sub_id)
            dropped |= {i for i, t in gone.tasks.items() if t.state == TaskState.COMPLETED}
    if dropped:
        workflow.sif_pruned = Trail(frozenset(nodes), frozenset(steps))
    return dropped


def _task(workflow: BpmnWorkflow, task_id: UUID) -> Any:
    found = workflow.tasks.get(task_id)
    if found is not None:
        return found
    for sub in workflow.subprocesses.values():
        found = sub.tasks.get(task_id)
        if found is not None:
            return found
    return None


def _nested(workflow: BpmnWorkflow, parent_id: UUID) -> list[UUID]:
    """The subprocess run by ``parent_id`` and every subprocess run by a task inside it."""
    found, stack = [], [parent_id]
    while stack:
        current = stack.pop()
        found.append(current)
        inside = workflow.subprocesses[current].tasks
        stack.extend(i for i in workflow.subprocesses if i in inside and i not in found)
    return found


def _before(task: Any) -> str | None:
    """The BPMN id the walk would carry into the subprocess: the nearest one at or above it."""
    while task is not None:
        if task.task_spec.bpmn_id:
            return str(task.task_spec.bpmn_id)
        task = task.parent
    return None
