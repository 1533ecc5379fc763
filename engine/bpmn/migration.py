"""Moving one case's workflow onto another version of its process (SpiffWorkflow's diff).

``judge`` compares the case's task tree with the new version, element by element
(``SpecDiff`` aligns by BPMN id, then by structure), says in Swedish why the case cannot move
or what it will see change, and — when it can move — performs the move on the loaded copy
and keeps the moved state. Nothing here touches the database: the dry run and the real move
call the same function, so what the dry run promised is what a move does.

The rules (safe and explainable, DESIGN §2 "a change must never break a running case"):

* the element the case waits at (an open user task, a waiting timer or message, the
  subprocess or multi-instance activity it is inside) must exist in the new version with the
  same type; a waited-on timer or message must be unchanged (a timer keeps its due time);
* every step the case has already passed must exist in the new version (SpiffWorkflow keeps
  the path taken in the task tree; a step without an element cannot be stored);
* a multi-instance activity in progress must be unchanged in what it iterates over, and one
  the case is about to enter must find its collection in the case's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.run import ReadyTask, Workflow
from engine.bpmn.store import CompiledSpec, _registry, dump_workflow
from engine.bpmn.timers import WaitingTimer, clock_at

#: Task states the case is "at": what a person, a timer, a message or a subprocess holds, and
#: a step that failed (run again on the new version when the case moves).
_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
#: Attributes whose change does not affect a task the case is at (names, wiring, docs).
_HARMLESS = {"bpmn_name", "documentation", "inputs", "outputs", "lane", "extensions",
             "description", "manual", "io_specification", "data_input_associations",
             "data_output_associations"}  # fmt: skip
#: Task states of what lies ahead of the case (predicted).
_AHEAD = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE
_LOOP_FIELDS = ("data_input", "data_output", "cardinality", "condition", "input_item",
                "output_item", "task_spec")  # fmt: skip


@dataclass
class Judgement:
    """What moving one case would do: ``refusals`` (why it cannot, Swedish) or ``changes``
    (what it will see), the elements of the user tasks it waits at before and after the move
    (an element aligned by its place may have a new id), and the moved state."""

    refusals: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    ready_elements: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id)
    waits_before: tuple[list[ReadyTask], list[WaitingTimer]] = field(
        default_factory=lambda: ([], [])
    )  # what the case waited for before the move (for its projections)
    moved: Any = None  # SpiffWorkflow's moved workflow; written out only by a real move
    failed_steps: list[str] = field(default_factory=list)  # names of the steps in error

    @property
    def movable(self) -> bool:
        return not self.refusals and self.moved is not None

    def moved_text(self) -> str:
        """The moved state as text, to load on the new version (a dry run never needs it)."""
        return dump_workflow(self.moved)


def judge(workflow: Workflow, new: CompiledSpec, new_version: int) -> Judgement:
    """Judge (and on success perform, on this loaded copy) the move of ``workflow`` onto
    ``new``. The copy is spent afterwards: load the case again to use it."""
    wf = workflow._wf  # engine.bpmn's own wrapper: the move works on SpiffWorkflow's tree
    verdict = Judgement()
    top, subs = _diff_workflow(wf, new, keep=not workflow._private)
    for diff in [top, *(d for d in subs.values() if d is not None)]:
        _judge_tasks(diff, verdict, new_version)
    for sp_id, sp_diff in subs.items():
        name = _name(wf.get_task_from_id(sp_id).task_spec)
        # Said once: a subprocess whose element is gone is already a step the case waits in.
        if sp_diff is None and not any(repr(name) in said for said in verdict.refusals):
            verdict.refusals.append(
                f"Ärendet är inne i underprocessen {name!r}, som inte finns i version "
                f"{new_version}."
            )
    if verdict.refusals:
        return verdict
    failed = wf.get_tasks(state=TaskState.ERROR | TaskState.STARTED)  # ERROR below STARTED too
    verdict.failed_steps = [_name(t.task_spec) for t in failed if t.state == TaskState.ERROR]
    verdict.changes += [
        f"Steget {name!r}, som fick fel, körs om på version {new_version} när ärendet flyttas."
        for name in verdict.failed_steps
    ]
    verdict.waits_before = workflow.waits()
    before = {t.id: t.element_id for t in verdict.waits_before[0]}
    _move(wf, new, top, subs, workflow)
    after = {t.id: t.element_id for t in workflow.waits()[0]}
    verdict.ready_elements = [(e, after[t]) for t, e in before.items() if t in after]
    foreign = _foreign_tasks(wf, new)
    if foreign:
        names = ", ".join(dict.fromkeys(repr(_name(t.task_spec)) for t in foreign))
        verdict.refusals.append(
            f"Ärendet har redan passerat {names}, som inte finns i version {new_version}; "
            "vägen det tagit kan inte föras över."
        )
        return verdict
    _note_collections(wf, verdict)
    verdict.moved = wf
    return verdict


def _diff_workflow(
    wf: Any, new: CompiledSpec, keep: bool
) -> tuple[WorkflowDiff, dict[Any, WorkflowDiff | None]]:
    """SpiffWorkflow's ``diff_workflow``: the workflow's tasks against the new top process, and
    each subprocess's against its new spec (None for one the new version does not have). The
    spec comparisons are kept (``keep``) when the case runs on its version's shared spec."""
    top = WorkflowDiff(wf, _spec_diff(wf.spec, new.spec, keep))
    subs: dict[Any, WorkflowDiff | None] = {}
    for sp_id, sp in wf.subprocesses.items():
        new_sp = new.subprocess_specs.get(sp.spec.name)
        subs[sp_id] = (
            None if new_sp is None else WorkflowDiff(sp, _spec_diff(sp.spec, new_sp, keep))
        )
    return top, subs


#: (id of the old spec, id of the new) → the two specs (held, so the ids stay theirs) and
#: their comparison, for the specs every case of a version shares (never changed).
_spec_diffs: dict[tuple[int, int], tuple[Any, Any, SpecDiff]] = {}
_SPEC_DIFFS = 16


def _spec_diff(old: Any, new: Any, keep: bool) -> SpecDiff:
    """SpiffWorkflow's comparison of two process specs (every element of both converted and
    compared): the same for every case of a version, so with ``keep`` made once per pair
    rather than once per case judged. A case on its own copy of a spec is compared afresh."""
    key = (id(old), id(new))
    hit = _spec_diffs.get(key) if keep else None
    if hit is not None:
        return hit[2]
    diff = SpecDiff(_registry, old, new)
    if keep:
        if len(_spec_diffs) >= _SPEC_DIFFS:
            _spec_diffs.clear()
        _spec_diffs[key] = (old, new, diff)
    return diff


def _judge_tasks(diff: WorkflowDiff, verdict: Judgement, new_version: int) -> None:
    for task in diff.removed:
        if task.state & _LIVE:
            verdict.refusals.append(
                f"Ärendet väntar i {_name(task.task_spec)!r}, som inte finns i version "
                f"{new_version}."
            )
    removed = set(diff.removed)
    for task in diff.changed:
        if task in removed or not task.state & _LIVE:
            continue
        new_spec = diff.alignment.get(task)
        _judge_changed(task, new_spec, verdict, new_version)


def _judge_changed(task: Any, new_spec: Any, verdict: Judgement, new_version: int) -> None:
    old_spec, name = task.task_spec, _name(task.task_spec)
    old, new = _registry.convert(old_spec), _registry.convert(new_spec)
    if old.get("typename") != new.get("typename"):
        verdict.refusals.append(_type_changed(task, name, new_spec, new_version))
        return
    changed = {key for key, value in old.items() if new.get(key) != value}
    if "event_definition" in changed:
        refusal = _event_changed(name, old["event_definition"], new["event_definition"],
                                 new_version)  # fmt: skip
        verdict.refusals.extend([refusal] if refusal else [])
    if isinstance(old_spec, LoopTask) and task.state == TaskState.STARTED:
        if any(key in changed for key in _LOOP_FIELDS):
            verdict.refusals.append(
                f"Flerinstansaktiviteten {name!r} pågår och har ändrats i version "
                f"{new_version}; låt den gå klart först."
            )
    elif changed - _HARMLESS - {"event_definition"} and task.state == TaskState.STARTED:
        verdict.refusals.append(
            f"Ärendet är inne i {name!r}, som har ändrats i version {new_version}."
        )
    new_name = _name(new_spec)
    if new_name != name:
        verdict.changes.append(f"Steget {name!r} byter namn till {new_name!r}.")


def _type_changed(task: Any, name: str, new_spec: Any, version: int) -> str:
    """Why a case stays at a step of another type; a step that became a multi-instance
    activity names the collection it would need (and says whether the case has it)."""
    if not isinstance(new_spec, LoopTask) or isinstance(task.task_spec, LoopTask):
        return f"Ärendet väntar i {name!r}, som har bytt typ i version {version}."
    variable = getattr(getattr(new_spec, "data_input", None), "bpmn_id", None)
    over = f" över {variable!r}" if variable else ""
    missing = ", som ärendet saknar" if variable and variable not in task.data else ""
    return (
        f"Ärendet väntar i {name!r}, som är en flerinstansaktivitet{over}{missing} i version "
        f"{version}; en pågående uppgift kan inte bli flera."
    )


def _event_changed(
    name: str, before: dict[str, Any], after: dict[str, Any], version: int
) -> str | None:
    """Why a changed event the case waits on keeps it, or None when only its name changed
    (a timer's definition carries the element's name; a message's is the message's)."""
    if "expression" in before:  # a timer: its kind and its expression are what count
        if (before.get("typename"), before["expression"]) == (
            after.get("typename"),
            after.get("expression"),
        ):
            return None
        return (
            f"Ärendet väntar på timern {name!r}, vars tid har ändrats i version {version} "
            f"(från {before['expression']} till {after.get('expression')}); flytta "
            "det när timern har löst ut, eller låt det gå klart på sin version."
        )
    return f"Ärendet väntar på händelsen {name!r}, som har ändrats i version {version}."


def _note_collections(wf: Any, verdict: Judgement) -> None:
    """A multi-instance activity ahead (in the new version) whose collection the case does not
    hold yet: a step before it may still provide it, so this is said, not refused."""
    for task in wf.get_tasks(state=_AHEAD):
        spec = task.task_spec
        variable = getattr(getattr(spec, "data_input", None), "bpmn_id", None)
        if not isinstance(spec, LoopTask) or not variable:
            continue
        if variable not in task.data and variable not in task.workflow.data:
            note = (
                f"Flerinstansaktiviteten {_name(spec)!r} längre fram behöver variabeln "
                f"{variable!r}, som ärendet inte har ännu."
            )
            if note not in verdict.changes:
                verdict.changes.append(note)


def _move(
    wf: Any, new: CompiledSpec, top: WorkflowDiff, subs: dict[Any, Any], workflow: Workflow
) -> None:
    """SpiffWorkflow's ``migrate_workflow`` on the top process and each subprocess; what
    waits keeps its data and internal data (a timer its due time), which the reset of its
    branch would otherwise throw away."""
    kept = {
        t.id: (t.data, t.internal_data)
        for t in wf.get_tasks(state=TaskState.READY | TaskState.WAITING)
    }
    # migrate_workflow forgets the task that ran last (it looks a task up among task ids),
    # which is where the case's newest data is read from.
    last = {id(w): w.last_task for w in (wf, *wf.subprocesses.values())}
    with clock_at(workflow.now):
        migrate_workflow(top, wf, new.spec)
        wf.subprocess_specs = new.subprocess_specs
        for sp_id, sp in wf.subprocesses.items():
            migrate_workflow(subs[sp_id], sp, new.subprocess_specs[sp.spec.name])
    for task in wf.get_tasks(state=TaskState.READY | TaskState.WAITING):
        if task.id in kept:
            task.data, task.internal_data = kept[task.id]
    for w in (wf, *wf.subprocesses.values()):
        task = last.get(id(w))
        w.last_task = task if task is not None and task.id in w.tasks else None


def _foreign_tasks(wf: Any, new: CompiledSpec) -> list[Any]:
    """Tasks whose element is not in the new version (the path already taken)."""
    specs = [new.spec, *new.subprocess_specs.values()]
    known = {id(s) for spec in specs for s in spec.task_specs.values()}
    return [t for t in wf.get_tasks() if id(t.task_spec) not in known]


def _name(spec: Any) -> str:
    """The element's name as people know it; a multi-instance activity's is on its instance."""
    name = getattr(spec, "bpmn_name", None)
    if not name and isinstance(spec, LoopTask):
        name = getattr(spec._wf_spec.task_specs.get(spec.task_spec), "bpmn_name", None)
    return str(name or getattr(spec, "bpmn_id", None) or spec.name)


def version_changes(old: CompiledSpec, new: CompiledSpec, new_version: int) -> list[str]:
    """The named elements removed, added and renamed between two versions, in Swedish."""
    before, after = _named(old), _named(new)
    said = [f"{after[k]!r} är nytt i version {new_version}." for k in after if k not in before]
    said += [f"{before[k]!r} finns inte i version {new_version}." for k in before if k not in after]
    said += [
        f"{before[k]!r} heter {after[k]!r} i version {new_version}."
        for k in before
        if k in after and before[k] != after[k]
    ]
    return said


def _named(compiled: CompiledSpec) -> dict[str, str]:
    """Element id → name of the BPMN elements people see (tasks and events with a name)."""
    return {
        spec.bpmn_id: _name(spec)
        for process in (compiled.spec, *compiled.subprocess_specs.values())
        for spec in process.task_specs.values()
        if getattr(spec, "bpmn_id", None) and getattr(spec, "bpmn_name", None)
    }
