"""The path a case has taken through its diagram, read from the whole task tree.

SpiffWorkflow 3.2's ``get_tasks(state=COMPLETED)`` does not look below a task that still
waits (a user task whose boundary timer has fired, say), so a review completed in a branch
beside the waiting task would be missed. This walks every task, subprocesses included, with
its own stack (a gateway loop makes the tree deeper than Python's recursion allows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

#: States a token has reached (as opposed to predicted, or cancelled).
_REACHED = (
    TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.COMPLETED | TaskState.ERROR
)


@dataclass(frozen=True)
class Trail:
    """Where a case has been: ``nodes`` are the BPMN ids of the flow nodes it completed,
    ``steps`` the ``(source id, target id)`` pairs a token moved along (each the ends of a
    sequence flow, or of a boundary or subprocess start, which no flow draws)."""

    nodes: frozenset[str]
    steps: frozenset[tuple[str, str]]


def trail_of(workflow: BpmnWorkflow) -> Trail:
    """The case's trail: the live task tree's, and what finished subprocesses left behind
    before they were pruned (engine.bpmn.prune)."""
    live = walk(workflow, workflow.task_tree, None)
    kept = pruned_trail(workflow)
    return Trail(live.nodes | kept.nodes, live.steps | kept.steps)


def pruned_trail(workflow: BpmnWorkflow) -> Trail:
    """The steps of the subprocesses pruned from this workflow (empty when none was)."""
    kept = getattr(workflow, "sif_pruned", None)
    return kept if isinstance(kept, Trail) else Trail(frozenset(), frozenset())


def walk(workflow: BpmnWorkflow, root: Any, before: str | None) -> Trail:
    """The trail below ``root``; tasks without a BPMN id (SpiffWorkflow's own joins and
    splits) pass the id before them on, so a step through them joins the two BPMN elements
    around them."""
    nodes: set[str] = set()
    steps: set[tuple[str, str]] = set()
    stack: list[tuple[Any, str | None]] = [(root, before)]
    while stack:
        task, before = stack.pop()
        if not task.state & _REACHED:
            continue  # predicted or cancelled: nothing below it was reached either
        bpmn_id = task.task_spec.bpmn_id
        if bpmn_id:
            if before is not None:
                steps.add((before, bpmn_id))
            if task.state == TaskState.COMPLETED:
                nodes.add(bpmn_id)
        here = bpmn_id or before
        subprocess = workflow.subprocesses.get(task.id)
        if subprocess is not None:
            stack.append((subprocess.task_tree, here))
        stack.extend((child, here) for child in task.children)
    return Trail(frozenset(nodes), frozenset(steps))
