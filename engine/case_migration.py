"""Moving running cases to another version of their process, in bulk (issue 10 item 5).

``plan_migration`` is the dry run: for each case on the old version, whether it can move and
why not, or what it will see change (``engine.bpmn.migration`` holds the rules).
``migrate_cases`` moves the chosen cases, each in its own transaction: the case row is locked,
judged again (it may have moved on since the dry run), moved, run to its next wait like any
step, its projections (open tasks with the new version's names, forms and roles; timers;
stage) rewritten, ``definition_id`` pointed at the new version and a ``migrated`` event
written. A case that cannot move — or whose move fails — is left exactly as it was.

Which cases may move: ``running``, ``waiting``, ``suspended`` (it moves but stays suspended:
nothing runs until it is resumed) and ``error`` when its incident is a step that failed: the
step runs again on the new version as the case moves (deploying a corrected version and moving
the failed cases onto it is how a broken script is mended), and if it fails again the case is
left as it was. Completed and terminated cases are never listed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from engine.bpmn.migration import Judgement, judge, version_changes
from engine.bpmn.run import Workflow
from engine.bpmn.scripts import script_engine
from engine.bpmn.store import CompiledSpec, load_spec
from engine.bpmn.timers import WaitingTimer
from engine.casestore import SYSTEM, CaseStep, lock_case, workflow_limits
from engine.definitions import DefinitionBody, definition_body, find_definition
from engine.errors import Conflict, SifError, StepRefused
from engine.models import CaseStatus
from engine.runtime import Runtime
from engine.schema import cases, human_task_roles, human_tasks, timers
from engine.users import acting_user

log = logging.getLogger(__name__)

#: Statuses of the cases a plan lists, every one of which may move.
LISTED = (CaseStatus.RUNNING, CaseStatus.WAITING, CaseStatus.SUSPENDED, CaseStatus.ERROR)


@dataclass(frozen=True)
class RoleChange:
    """The roles an open task of a moved case is offered to from now on (ids, for names)."""

    step: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class CaseMove:
    """One case in a plan or a result: ``reasons`` why it cannot (or could not) move, else
    ``changes`` it sees (in Swedish) and ``role_changes`` (role ids, to be named by whoever
    shows them). ``moved`` only in a result."""

    business_key: str
    title: str
    status: str
    stage: str
    movable: bool
    reasons: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()
    role_changes: tuple[RoleChange, ...] = ()
    moved: bool = False


@dataclass(frozen=True)
class MigrationPlan:
    """The dry run of moving ``process_key`` from one version to another; ``cases`` is one
    page of the ``total`` listed cases (all of them without paging)."""

    process_key: str
    from_version: int
    to_version: int
    cases: list[CaseMove]
    total: int
    version_changes: list[str] = field(default_factory=list)

    @property
    def movable(self) -> list[CaseMove]:
        return [c for c in self.cases if c.movable]

    @property
    def refused(self) -> list[CaseMove]:
        return [c for c in self.cases if not c.movable]


@dataclass(frozen=True)
class MigrationResult:
    process_key: str
    from_version: int
    to_version: int
    moved: list[CaseMove]
    refused: list[CaseMove]


@dataclass(frozen=True)
class _Versions:
    """The two versions, each with its spec loaded once for every case judged or moved."""

    old: DefinitionBody
    new: DefinitionBody
    old_spec: CompiledSpec
    new_spec: CompiledSpec


def plan_migration(
    rt: Runtime,
    process_key: str,
    from_version: int,
    to_version: int,
    case_keys: Sequence[str] | None = None,
    page: int = 1,
    page_size: int | None = None,
    q: str = "",
) -> MigrationPlan:
    """The dry run for the listed cases of ``process_key`` version ``from_version`` (or those
    of them named in ``case_keys``; ``q`` filters on key and title), oldest first, one page of
    ``page_size`` (all without). Changes nothing. ``NotFound`` for a missing version,
    ``Conflict`` when the versions are the same."""
    with rt.db.reading() as conn:
        versions = _versions(rt, conn, process_key, from_version, to_version)
        query = _listed(versions.old.id, case_keys, q)
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar() or 0
        if page_size is not None:
            query = query.limit(page_size).offset((max(page, 1) - 1) * page_size)
        now = rt.clock.now(conn)
        # Streamed: a dry run of every case holds one case's workflow at a time, not all.
        rows = conn.execution_options(yield_per=100).execute(query)
        moves = [_judged(rt, row, versions, now)[0] for row in rows]
    summary = version_changes(versions.old_spec, versions.new_spec, to_version)
    return MigrationPlan(process_key, from_version, to_version, moves, int(total), summary)


def migrate_cases(
    rt: Runtime,
    process_key: str,
    from_version: int,
    to_version: int,
    case_keys: Sequence[str] | None,
    actor: str,
    q: str = "",
) -> MigrationResult:
    """Move the named cases (every listed case with ``None``; ``q`` narrows either to those
    whose key or title contains it) of ``process_key`` version ``from_version`` to
    ``to_version``, each in its own transaction. A key that is not a listed case of that
    version is refused and nothing of it is read further. ``actor`` is an active user, or
    ``system`` (the command line)."""
    with rt.db.reading() as conn:
        if actor != SYSTEM:
            acting_user(conn, actor)
        versions = _versions(rt, conn, process_key, from_version, to_version)
        listed = _listed(versions.old.id, case_keys, q)
        rows = conn.execute(listed.with_only_columns(cases.c.id, cases.c.business_key)).all()
    found = {row.business_key: int(row.id) for row in rows}
    moved: list[CaseMove] = []
    refused = [_not_listed(key, process_key, from_version) for key in case_keys or () if
               key not in found]  # fmt: skip
    for case_id in found.values():
        outcome = _move_one(rt, case_id, versions, actor)
        (moved if outcome.moved else refused).append(outcome)
    return MigrationResult(process_key, from_version, to_version, moved, refused)


def _versions(
    rt: Runtime, conn: Connection, process_key: str, from_version: int, to_version: int
) -> _Versions:
    if from_version == to_version:
        raise Conflict("Välj en annan version att flytta ärendena till.")
    old = definition_body(rt, conn, find_definition(rt, process_key, from_version).id)
    new = definition_body(rt, conn, find_definition(rt, process_key, to_version).id)
    return _Versions(old, new, load_spec(old.spec_json), load_spec(new.spec_json))


def _listed(definition_id: int, case_keys: Sequence[str] | None, q: str) -> Any:
    query = (
        select(cases)
        .where(cases.c.definition_id == definition_id)
        .where(cases.c.status.in_([s.value for s in LISTED]))
        .order_by(cases.c.started_at, cases.c.id)
    )
    if case_keys is not None:
        query = query.where(cases.c.business_key.in_(list(case_keys)))
    if q.strip():
        query = query.where(cases.c.search_text.contains(q.strip().lower(), autoescape=True))
    return query


def _not_listed(key: str, process_key: str, version: int) -> CaseMove:
    reason = (
        f"Ärendet finns inte bland de pågående ärendena i version {version} av {process_key!r}."
    )
    return CaseMove(key[:40], "", "", "", False, (reason,))


def _judged(
    rt: Runtime, row: Any, versions: _Versions, now: datetime, conn: Connection | None = None
) -> tuple[CaseMove, Judgement | None]:
    """The case's verdict and the judgement it rests on (None for a case not judged)."""
    move = CaseMove(row.business_key, row.title, row.status, row.stage, False)
    if row.status not in [s.value for s in LISTED]:
        return replace(move, reasons=("Ärendet är avslutat.",)), None
    engine = script_engine(rt.functions, rt.services, conn, row.id)
    workflow = Workflow.load(row.workflow, versions.old_spec, engine, now, workflow_limits(rt))
    verdict = judge(workflow, versions.new_spec, versions.new.version)
    if row.status == CaseStatus.ERROR.value and not verdict.failed_steps:
        verdict.refusals.append(
            "Ärendets fel sitter inte i ett steg som kan köras om; rätta det på sin version."
        )
    if not verdict.movable:
        return replace(move, reasons=tuple(verdict.refusals)), verdict
    changes, roles = _task_changes(verdict, versions)
    move = replace(move, movable=True, changes=tuple(verdict.changes + changes),
                   role_changes=tuple(roles))  # fmt: skip
    return move, verdict


def _task_changes(verdict: Judgement, versions: _Versions) -> tuple[list[str], list[RoleChange]]:
    """What the open tasks' people see change: the form and the roles (Sif's metadata)."""
    changes: list[str] = []
    roles: list[RoleChange] = []
    for old_id, new_id in dict.fromkeys(verdict.ready_elements):
        old, new = versions.old.user_task(old_id), versions.new.user_task(new_id)
        name = str(new.get("name") or new_id)
        if old.get("form") != new.get("form"):
            before, after = _form_title(versions.old, old), _form_title(versions.new, new)
            changes.append(f"Uppgiften {name!r} får ett annat formulär: {before} → {after}.")
        if sorted(old.get("roles") or []) != sorted(new.get("roles") or []):
            roles.append(RoleChange(name, tuple(new.get("roles") or ())))
    return changes, roles


def _form_title(body: DefinitionBody, task: dict[str, Any]) -> str:
    form = body.form(task.get("form"))
    if form is None:
        return "inget formulär"
    return repr(str(form.get("title") or task.get("form")))


def _move_one(rt: Runtime, case_id: int, versions: _Versions, actor: str) -> CaseMove:
    """Move one case in its own transaction; any failure rolls back only this case."""
    try:
        with rt.db.transaction() as conn:
            return _move_locked(rt, conn, case_id, versions, actor)
    except _Rollback as refused:
        return refused.move
    except (SifError, StepRefused) as failed:
        return _failed(rt, case_id, str(getattr(failed, "message", failed)))
    except Exception:  # a move must never take other cases (or the request) down with it
        log.exception("moving case %s to version %s failed", case_id, versions.new.version)
        return _failed(rt, case_id, "Ett oväntat fel uppstod; ärendet lämnades orört.")


def _failed(rt: Runtime, case_id: int, reason: str) -> CaseMove:
    with rt.db.reading() as conn:
        row = conn.execute(select(cases).where(cases.c.id == case_id)).one()
    return CaseMove(row.business_key, row.title, row.status, row.stage, False, (reason,))


class _Rollback(Exception):
    """Raised inside a move's transaction to undo it; carries the refusal to report."""

    def __init__(self, move: CaseMove) -> None:
        super().__init__(move.reasons)
        self.move = move


def _move_locked(
    rt: Runtime, conn: Connection, case_id: int, versions: _Versions, actor: str
) -> CaseMove:
    """Judge the locked case again and move it; ``_Rollback`` when it cannot move."""
    row = lock_case(conn, case_id)
    if row.definition_id != versions.old.id:
        raise Conflict(f"Ärendet går inte längre på version {versions.old.version}.")
    now = rt.clock.now(conn)
    move, verdict = _judged(rt, row, versions, now, conn)
    if not move.movable or verdict is None:
        raise _Rollback(move)
    ready, timers = verdict.waits_before
    engine = script_engine(rt.functions, rt.services, conn, case_id)
    # Loaded again on the new version like any step's case: the move ran on the shared spec,
    # and a case that has started an event subprocess needs its own copy of it.
    moved = Workflow.load(verdict.moved_text(), versions.new_spec, engine, now, workflow_limits(rt))
    step = CaseStep(rt, conn, row, versions.new, moved, now)
    step.open_before = {t.id: t.element_id for t in ready}
    step.timers_before = {t.task_id: t for t in timers}
    step.event(
        "migrated", actor, from_version=versions.old.version,
        to_version=versions.new.version, notes=list(move.changes),
        roles={c.step: list(c.roles) for c in move.role_changes},
    )  # fmt: skip
    suspended = row.status == CaseStatus.SUSPENDED.value
    in_error = row.status == CaseStatus.ERROR.value
    failed = None if suspended else step.run(step.workflow.retry if in_error else None)
    if failed is not None:
        reason = f"I version {versions.new.version} skulle ärendet få ett fel: {failed.message}"
        raise _Rollback(replace(move, movable=False, reasons=(reason,), changes=()))
    kept = set(step.open_before)
    step.save(status=CaseStatus.SUSPENDED if suspended else None)
    stayed = {t: e for t, e in step.open_before.items() if t in kept}
    _refresh_open_tasks(conn, versions.new, stayed)
    _refresh_timers(conn, case_id, step.timers_before.values())
    stage = conn.execute(
        update(cases)
        .where(cases.c.id == case_id)
        .values(definition_id=versions.new.id)
        .returning(cases.c.stage)
    ).scalar()
    return replace(move, moved=True, stage=str(stage or ""))


def _refresh_timers(conn: Connection, case_id: int, waiting: Iterable[WaitingTimer]) -> None:
    """Waiting timers carry the new version's element and name (their due time stays)."""
    for timer in waiting:
        conn.execute(
            update(timers)
            .where(timers.c.case_id == case_id, timers.c.task_id == timer.task_id,
                   timers.c.state == "waiting")
            .values(element_id=timer.element_id, name=(timer.name or timer.element_id)[:255])
        )  # fmt: skip


def _refresh_open_tasks(conn: Connection, body: DefinitionBody, open_now: dict[str, str]) -> None:
    """Open tasks that stayed open (task id → element id, which an element aligned by its
    place rather than its id changes) now carry the new version's element, name, form and
    roles; a task the move opened was written from the new version already."""
    for task_id, element_id in open_now.items():
        info = body.user_task(element_id)
        roles = list(info.get("roles") or [])
        conn.execute(
            update(human_tasks)
            .where(human_tasks.c.id == task_id)
            .values(element_id=element_id, name=str(info.get("name") or element_id)[:255],
                    form=info.get("form"), roles=",".join(roles))
        )  # fmt: skip
        conn.execute(delete(human_task_roles).where(human_task_roles.c.task_id == task_id))
        if roles:
            conn.execute(insert(human_task_roles), [{"task_id": task_id, "role": r} for r in roles])
