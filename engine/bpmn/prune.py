"""Keeping decade-long cases small: what a case has finished leaves the live task tree.

SpiffWorkflow keeps every task a case has ever run — each year of a yearly loop, each report
period, each exemption request, every step from the idea on — so a fund case grows every
year and every step reads and writes all of it. Sif lets three kinds of finished work go,
each only once nothing in the workflow can read it again:

- **a finished subprocess**, once the task that ran it has ended: its result was copied to
  that task when it ended, and nothing reaches back into it;
- **a finished iteration of a loop or multi-instance activity**, except the last one merged:
  its data was merged into the activity when it ended, and the activity reads only its
  counters and the last iteration (for its completion condition);
- **the finished beginning of the case**: the completed tasks from the start up to the last
  one that every live task descends from, and the finished branches beside them. That task
  becomes the root; its data is whole, so the tasks after it read theirs as before. Not when
  a gateway join that scans earlier tokens could run again, a boundary or start-event join
  still needs a split among them, an end event reached among them would be forgotten, or the
  process has event subprocesses (SpiffWorkflow starts those from the root).

What Sif still shows of them — the steps on the case's diagram — is folded into the case's
*pruned trail* first; the history (who did what, with which data) was never read from the
tree but from the event log. The task that ran last is never dropped: SpiffWorkflow reads
the newest data from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.trail import Trail, pruned_trail, walk

_ENDED = TaskState.COMPLETED | TaskState.CANCELLED


def prune_finished(workflow: BpmnWorkflow) -> set[UUID]:
    """Drop what the workflow has finished (see the module's doc), after folding its steps
    into the workflow's pruned trail; the ids of the completed tasks dropped (the step that
    ends them may still ask whether one of them ran)."""
    dropped = _drop_finished_subprocesses(workflow)
    rules = _Leaving(workflow, _live(workflow))
    dropped |= _drop_merged_iterations(workflow, rules)
    dropped |= _drop_finished_beginning(workflow, rules)
    return dropped


def _drop_finished_subprocesses(workflow: BpmnWorkflow) -> set[UUID]:
    last = _last_id(workflow)
    dropped: set[UUID] = set()
    for parent_id in list(workflow.subprocesses):
        sub = workflow.subprocesses.get(parent_id)
        parent = _task(workflow, parent_id)
        if sub is None or parent is None or not parent.state & _ENDED:
            continue
        inner = _nested(workflow, parent_id)
        if last is not None and any(last in workflow.subprocesses[i].tasks for i in inner):
            continue
        _fold(workflow, walk(workflow, sub.task_tree, _before(parent)))
        for sub_id in inner:
            gone = workflow.subprocesses.pop(sub_id)
            dropped |= {i for i, t in gone.tasks.items() if t.state == TaskState.COMPLETED}
    return dropped


def _drop_merged_iterations(workflow: BpmnWorkflow, rules: _Leaving) -> set[UUID]:
    """Every loop's finished iterations but the last one merged, in every (sub)workflow."""
    dropped: set[UUID] = set()
    for owner in (workflow, *workflow.subprocesses.values()):
        for task in list(owner.tasks.values()):
            if not isinstance(task.task_spec, LoopTask):
                continue
            merged = task.internal_data.get("merged") or []
            done = {UUID(i) for i in merged[:-1]}
            for child in list(task.children):
                if child.id in done:
                    gone = _subtree(child)
                    if all(rules.may_leave(t) for t in gone):
                        _fold(workflow, walk(workflow, child, _before(task)))
                        dropped |= _remove(owner, gone, task, [child])
    return dropped


def _drop_finished_beginning(workflow: BpmnWorkflow, rules: _Leaving) -> set[UUID]:
    """Join the deepest completed task that every live task of the main flow descends from
    straight to the workflow's start task, without the finished tasks before it."""
    start = workflow.task_tree
    triggers = set(getattr(start.task_spec, "trigger_specs", ()))  # event subprocesses
    live = rules.live
    main = [c for c in start.children if c.task_spec.name not in triggers and c.id in live]
    if start.state != TaskState.COMPLETED or len(main) != 1:
        return set()
    finished = [c for c in start.children if c.id not in live]
    if not all(rules.may_leave(t) for c in finished for t in _subtree(c)):
        return set()
    spine: list[Any] = []
    kept: Any = None
    node = main[0]
    while node.state == TaskState.COMPLETED:  # each task on the way may become the one kept
        ahead = [c for c in node.children if c.id in live]
        beside = [c for c in node.children if c.id not in live]
        if len(ahead) != 1 or not all(rules.may_leave(t) for c in beside for t in _subtree(c)):
            break
        spine.append(node)
        if len(spine) > 1 and node.task_spec.bpmn_id and not rules.scans_again(node):
            kept = node  # it carries its own id into the trail's next step
        if not rules.may_leave(node):
            break  # the ones after it would take it with them
        node = ahead[0]
    if kept is None:
        return set()
    spine = spine[: spine.index(kept) + 1]
    _fold(workflow, _trail_down_to(workflow, spine, live))
    for branch in finished:
        _fold(workflow, walk(workflow, branch, _before(start)))
    finished += [c for s in spine for c in s.children if c.id not in live]
    gone = [*spine[:-1], *(t for c in finished for t in _subtree(c))]
    dropped = _remove(workflow, gone, kept, [c for c in finished if c.parent is kept])
    start._children = [kept.id if i == spine[0].id else i for i in start._children
                       if i not in {c.id for c in finished}]  # fmt: skip
    kept._parent = start.id
    return dropped


class _Leaving:
    """Whether a finished task may leave the tree (see the module's doc); ``live``: the top
    workflow's tasks that have not ended or have one below them that has not."""

    def __init__(self, workflow: BpmnWorkflow, live: set[UUID]) -> None:
        self.workflow, self.live, self.last = workflow, live, _last_id(workflow)
        self._reachable: set[str] | None = None
        self._splits: set[UUID] | None = None

    def may_leave(self, task: Any) -> bool:
        spec = task.task_spec
        if not task.state & _ENDED or task.id == self.last or task.id in self.workflow.subprocesses:
            return False  # still running, ran last, or runs a subprocess still kept
        if isinstance(spec, EndEvent) and task.state == TaskState.COMPLETED:
            return False  # the end events reached say how a finished case ended
        return not self.scans_again(task) and task.id not in self.splits()

    def scans_again(self, task: Any) -> bool:
        """A gateway join that can still run scans the earlier tokens of its own (and their
        parents)."""
        spec = task.task_spec
        return isinstance(spec, UnstructuredJoin) and spec.name in self.reachable()

    def reachable(self) -> set[str]:
        """The names of the task specs that the tasks not yet ended can still reach."""
        if self._reachable is None:
            self._reachable = set()
            stack = [t.task_spec for t in self.workflow.tasks.values() if not t.state & _ENDED]
            while stack:
                spec = stack.pop()
                if spec.name not in self._reachable:
                    self._reachable.add(spec.name)
                    stack.extend(spec.outputs)
        return self._reachable

    def splits(self) -> set[UUID]:
        """The splits that boundary and start-event joins not yet ended will look for."""
        if self._splits is None:
            self._splits = set()
            for task_id in self.live:
                task = self.workflow.tasks[task_id]
                split = getattr(task.task_spec, "split_task", None)
                found = task.find_ancestor(split) if split and not task.state & _ENDED else None
                if found is not None:
                    self._splits.add(found.id)
        return self._splits


def _live(workflow: BpmnWorkflow) -> set[UUID]:
    """Top-workflow tasks that have not ended, or have a task below them that has not, or
    run a subprocess still kept."""
    live: set[UUID] = set()
    order, stack = [], [workflow.task_tree]
    while stack:
        task = stack.pop()
        order.append(task)
        stack.extend(task.children)
    for task in reversed(order):  # children before their parent
        if (
            not task.state & _ENDED
            or task.id in workflow.subprocesses
            or any(c.id in live for c in task.children)
        ):
            live.add(task.id)
    return live


def _trail_down_to(workflow: BpmnWorkflow, spine: list[Any], live: set[UUID]) -> Trail:
    """The steps of the spine's tasks and of the finished branches beside them."""
    nodes: set[str] = set()
    steps: set[tuple[str, str]] = set()
    before: str | None = None
    for task in spine:
        bpmn_id = task.task_spec.bpmn_id
        if bpmn_id:
            nodes.add(bpmn_id)
            if before is not None:
                steps.add((before, bpmn_id))
        before = bpmn_id or before
        for child in task.children:
            if child.id not in live:
                found = walk(workflow, child, before)
                nodes |= found.nodes
                steps |= found.steps
    return Trail(frozenset(nodes), frozenset(steps))


def _remove(owner: Any, gone: Iterable[Any], parent: Any, cut: list[Any]) -> set[UUID]:
    """Take ``gone`` out of ``owner``'s tasks and ``cut`` out of ``parent``'s children; the
    ids of the completed tasks taken out."""
    cut_ids = {c.id for c in cut}
    parent._children = [i for i in parent._children if i not in cut_ids]
    dropped = set()
    for task in gone:
        owner.tasks.pop(task.id, None)
        if task.state == TaskState.COMPLETED:
            dropped.add(task.id)
    return dropped


def _subtree(task: Any) -> list[Any]:
    found, stack = [], [task]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found


def _fold(workflow: BpmnWorkflow, found: Trail) -> None:
    """Add steps that leave the tree to the workflow's pruned trail."""
    kept = pruned_trail(workflow)
    if found.nodes - kept.nodes or found.steps - kept.steps:
        workflow.sif_pruned = Trail(kept.nodes | found.nodes, kept.steps | found.steps)


def _last_id(workflow: BpmnWorkflow) -> UUID | None:
    return workflow.last_task.id if workflow.last_task is not None else None


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
