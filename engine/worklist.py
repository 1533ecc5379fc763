"""Work items: what a person may do now, and claiming, releasing and completing tasks.

Every change locks the case first, then re-reads the task, so two people acting on the same
task are serialized: one wins, the other gets ``Conflict``; nothing is half-written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, bindparam, exists, select, update

from engine.bpmn.run import TaskNotReady
from engine.casestore import CaseStep, case_transaction, check_storable
from engine.clock import as_utc
from engine.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from engine.forms import form_errors, read_only_fields
from engine.models import OPEN_TASK_STATES, CaseStatus, HumanTask, TaskState, User
from engine.runtime import Runtime
from engine.schema import cases, human_task_roles, human_tasks
from engine.services import RuleCall
from engine.users import acting_user

# Built once: these run on every inbox view and every action.
_TASKS = select(human_tasks, cases.c.business_key, cases.c.version.label("case_version")).join(
    cases, cases.c.id == human_tasks.c.case_id
)
_TASK_BY_ID = _TASKS.where(human_tasks.c.id == bindparam("task_id"))
_SET_ASSIGNEE = (
    update(human_tasks)
    .where(human_tasks.c.id == bindparam("task_id"))
    .values(assignee=bindparam("assignee"), state=bindparam("state"), claimed_at=bindparam("at"))
)
_OPEN_TASKS_OF_CASES = _TASKS.where(
    human_tasks.c.case_id.in_(bindparam("case_ids", expanding=True)),
    human_tasks.c.state.in_(OPEN_TASK_STATES),
).order_by(human_tasks.c.created_at, human_tasks.c.id)


def to_tasks(rows: Sequence[Row[Any]]) -> list[HumanTask]:
    return [
        HumanTask(
            id=r.id, case_id=r.case_id, business_key=r.business_key, element_id=r.element_id,
            name=r.name, state=r.state, roles=tuple(filter(None, r.roles.split(","))),
            form=r.form, assignee=r.assignee, created_at=as_utc(r.created_at),
            claimed_at=as_utc(r.claimed_at) if r.claimed_at else None,
            completed_at=as_utc(r.completed_at) if r.completed_at else None,
            completed_by=r.completed_by, due_at=as_utc(r.due_at) if r.due_at else None,
        )
        for r in rows
    ]  # fmt: skip


def open_tasks_of(conn: Connection, case_ids: list[int]) -> dict[int, list[HumanTask]]:
    """Open (ready or claimed) tasks per case."""
    if not case_ids:
        return {}
    rows = conn.execute(_OPEN_TASKS_OF_CASES, {"case_ids": case_ids}).all()
    found: dict[int, list[HumanTask]] = defaultdict(list)
    for task in to_tasks(rows):
        found[task.case_id].append(task)
    return found


def tasks_for(rt: Runtime, user_name: str, scope: str = "all", limit: int = 200) -> list[HumanTask]:
    """The inbox: tasks claimed by the user (``mine``), open to their roles (``group``), or both."""
    with rt.db.reading() as conn:
        user = acting_user(conn, user_name)
        mine = human_tasks.c.assignee == user.name
        offered = (human_tasks.c.state == TaskState.READY.value) & exists().where(
            human_task_roles.c.task_id == human_tasks.c.id,
            human_task_roles.c.role.in_(sorted(user.roles)),
        )
        claimed = (human_tasks.c.state == TaskState.CLAIMED.value) & mine
        where = {"mine": claimed, "group": offered}.get(scope, claimed | offered)
        rows = conn.execute(
            _TASKS.where(where, cases.c.status == CaseStatus.RUNNING.value)
            .order_by(human_tasks.c.created_at, human_tasks.c.id)
            .limit(limit)
        ).all()
        return to_tasks(rows)


def get_task(rt: Runtime, task_id: str, user_name: str) -> HumanTask:
    """One task, if the user holds one of its roles or has claimed or completed it."""
    with rt.db.reading() as conn:
        return visible_task(conn, task_id, user_name)[1]


def visible_task(conn: Connection, task_id: str, user_name: str) -> tuple[User, HumanTask]:
    """The acting user and the task, if they may see it; ``NotAllowed`` otherwise."""
    user = acting_user(conn, user_name)
    task = load_task(conn, task_id)
    if not may_see(user, task):
        raise NotAllowed("Du har inte behörighet till uppgiften.")
    return user, task


def may_see(user: User, task: HumanTask) -> bool:
    """Whether ``user`` may see a task: its roles, or it is theirs (held or completed)."""
    return may_act(user, task) or user.name in (task.assignee, task.completed_by)


def may_act(user: User, task: HumanTask) -> bool:
    """Whether ``user`` may work on a task: they hold one of its roles."""
    return bool(user.roles & set(task.roles))


def load_task(conn: Connection, task_id: str) -> HumanTask:
    return to_tasks([_task_row(conn, task_id)])[0]


def _task_row(conn: Connection, task_id: str) -> Row[Any]:
    row = conn.execute(_TASK_BY_ID, {"task_id": task_id}).one_or_none()
    if row is None:
        raise NotFound(f"Uppgiften {task_id} finns inte.")
    return row


def _open_for_change(
    rt: Runtime, conn: Connection, task_id: str, user_name: str
) -> tuple[User, CaseStep, HumanTask]:
    """Lock the task's case, then check the task is open and the user may act on it."""
    user = acting_user(conn, user_name)
    seen = _task_row(conn, task_id)
    step = CaseStep.open(rt, conn, int(seen.case_id))
    # The task row was read before the lock; if the case moved on meanwhile, read it again.
    fresh = seen if seen.case_version == step.row.version else _task_row(conn, task_id)
    task = to_tasks([fresh])[0]
    if not may_act(user, task):
        raise NotAllowed(f"Uppgiften kräver rollen {' eller '.join(task.roles) or '(ingen)'}.")
    if task.state == TaskState.COMPLETED:
        raise Conflict(f"Uppgiften är redan slutförd av {task.completed_by}.")
    if task.state == TaskState.CANCELLED:
        raise Conflict("Uppgiften är avbruten och kan inte längre utföras.")
    if task.state == TaskState.CLAIMED and task.assignee != user.name:
        raise Conflict(f"Uppgiften är redan tagen av {task.assignee}.")
    step.require_status(CaseStatus.RUNNING)
    return user, step, task


def claim_task(rt: Runtime, task_id: str, user_name: str) -> HumanTask:
    """Take a task so that nobody else works on it; claiming one's own task again is harmless."""
    with case_transaction(rt) as conn:
        user, step, task = _open_for_change(rt, conn, task_id, user_name)
        if task.assignee != user.name:
            _set_assignee(conn, task_id, user.name, TaskState.CLAIMED, step)
            step.event("task_claimed", user.name, task_id, task.element_id)
            step.save()
        return load_task(conn, task_id)


def unclaim_task(rt: Runtime, task_id: str, user_name: str) -> HumanTask:
    """Give a claimed task back to the group."""
    with case_transaction(rt) as conn:
        user, step, task = _open_for_change(rt, conn, task_id, user_name)
        if task.assignee != user.name:
            raise Conflict("Uppgiften är inte tagen av dig.")
        _set_assignee(conn, task_id, None, TaskState.READY, step)
        step.event("task_unclaimed", user.name, task_id, task.element_id)
        step.save()
        return load_task(conn, task_id)


def _set_assignee(
    conn: Connection, task_id: str, assignee: str | None, state: TaskState, step: CaseStep
) -> None:
    claimed_at = step.now if assignee else None
    values = {"task_id": task_id, "assignee": assignee, "state": state.value, "at": claimed_at}
    conn.execute(_SET_ASSIGNEE, values)


def complete_task(
    rt: Runtime,
    task_id: str,
    data: Mapping[str, Any],
    user_name: str,
    expected_version: int | None = None,
) -> list[HumanTask]:
    """Complete a task with form data; returns the case's open tasks afterwards.

    Raises ``ValidationFailed`` (per field), ``NotAllowed`` (role), ``Conflict`` (done, claimed
    by another, stale ``expected_version``), ``NotFound``. On any of them nothing is written.
    A failing script after the task does not undo the completion: the case becomes an incident.
    """
    check_storable(rt, data)
    with case_transaction(rt) as conn:
        user, step, task = _open_for_change(rt, conn, task_id, user_name)
        if expected_version is not None and expected_version != step.row.version:
            raise Conflict("Ärendet har ändrats sedan du öppnade uppgiften; ladda om sidan.")
        before = _task_data(step, task_id)
        shown = read_only_fields(step.body.form(task.form))
        submitted = {key: value for key, value in data.items() if key not in shown}
        if task.form is not None and step.body.form(task.form) is not None:
            facts = {key: before[key] for key in shown if key in before}
            errors = form_errors(step.body.form_validator(task.form), {**submitted, **facts})
            if errors:
                raise ValidationFailed(errors)
        info = step.body.user_task(task.element_id)
        broken = [
            error
            for rule in info.get("rules") or []
            for error in rt.services.check(RuleCall(rule, submitted, before, conn, step.case_id))
        ]
        if broken:
            raise ValidationFailed(broken)
        try:
            failed = step.run(
                lambda: step.workflow.complete(task_id, submitted, info.get("answers")), user.name
            )
        except TaskNotReady:
            raise Conflict("Uppgiften väntar inte längre på någon.") from None
        step.complete_task_row(task_id, user.name)
        step.event("task_completed", user.name, task_id, task.element_id,
                   changes=_diff(answered_before(before, info.get("answers")), submitted),
                   data=submitted)  # fmt: skip
        step.save(failed)
        known = step.open_tasks_if_all_new()
        if known is not None:
            return known
        return open_tasks_of(conn, [step.case_id]).get(step.case_id, [])


def answered_before(data: Mapping[str, Any], answers_key: str | None) -> dict[str, Any]:
    """A task's earlier answers in ``data``: all of it, or what is kept under ``answers_key``."""
    if not answers_key:
        return dict(data)
    kept = data.get(answers_key)
    return dict(kept) if isinstance(kept, Mapping) else {}


def _task_data(step: CaseStep, task_id: str) -> dict[str, Any]:
    try:
        return step.workflow.task_data(task_id)
    except TaskNotReady:
        raise Conflict("Uppgiften väntar inte längre på någon.") from None


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Field → [old, new] for what the submission changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
